import CProcessKit

extension ProcessControl {
    /// Closes every file descriptor from `lowest` up, as a pause container's init does with what it
    /// inherited, so it holds no pipe, socket or file open for the pod's lifetime. The descriptors are
    /// listed from /proc/self/fd; without /proc, every number up to 65,535.
    public static func closeDescriptors(from lowest: Int32) {
        if let open = try? ProcessTable.numericEntries(in: "/proc/self/fd") {
            for descriptor in open where descriptor >= lowest { _ = close(descriptor) }
            return
        }
        for descriptor in stride(from: lowest, to: 65_536, by: 1) { _ = close(descriptor) }
    }

    /// Makes `path` the working directory; a pause container's init moves to "/" so it keeps no
    /// mount point busy.
    public static func changeDirectory(to path: String) throws(Errno) {
        if chdir(path) != 0 { throw Errno.current }
    }
}
