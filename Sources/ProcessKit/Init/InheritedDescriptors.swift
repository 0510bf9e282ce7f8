import CProcessKit

extension ProcessControl {
    /// Closes every file descriptor from `lowest` up, as a pause container's init does with what it
    /// inherited, so it holds no pipe, socket or file open for the pod's lifetime. The descriptors are
    /// listed from /proc/self/fd; without /proc, every number up to 65,535.
    public static func closeDescriptors(from lowest: Int32) {
        var open = [Int32](repeating: 0, count: 256)
        var count = open.withUnsafeMutableBufferPointer { pk_list_numeric_entries("/proc/self/fd", $0.baseAddress, 256) }
        if count > 256 {
            open = [Int32](repeating: 0, count: Int(count) + 64)
            let capacity = Int32(open.count)
            count = open.withUnsafeMutableBufferPointer { pk_list_numeric_entries("/proc/self/fd", $0.baseAddress, capacity) }
        }
        if count >= 0 && Int(count) <= open.count {
            for descriptor in open[..<Int(count)] where descriptor >= lowest { _ = close(descriptor) }
            return
        }
        var descriptor = lowest
        while descriptor < 65_536 {
            _ = close(descriptor)
            descriptor += 1
        }
    }

    /// Makes `path` the working directory; a pause container's init moves to "/" so it keeps no
    /// mount point busy.
    public static func changeDirectory(to path: String) throws(Errno) {
        if chdir(path) != 0 { throw Errno.current }
    }
}
