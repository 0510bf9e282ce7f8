import CProcessKit

extension ProcessControl {
    /// Closes every file descriptor from `lowest` up, as a pause container's init does with what it
    /// inherited, so it holds no pipe, socket or file open for the pod's lifetime (`close_range`, or
    /// before Linux 5.9 one close per number up to the fd limit: the helper a spawned child uses).
    public static func closeDescriptors(from lowest: Int32) {
        pk_close_range(UInt32(max(0, lowest)), UInt32.max)
    }

    /// Makes `path` the working directory; a pause container's init moves to "/" so it keeps no
    /// mount point busy.
    public static func changeDirectory(to path: String) throws(Errno) {
        if chdir(path) != 0 { throw Errno.current }
    }
}
