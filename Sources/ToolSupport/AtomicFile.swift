import CProcessKit
import ProcessKit

/// Replaces a small file in one step: the new contents go to a temporary file in the same directory,
/// which is then renamed over the old one. A reader that opens the file at any moment gets the old
/// contents or the new ones, never a half-written file (a status file a probe polls).
public enum AtomicFile {
    /// Writes `bytes` to `path` + ".tmp", then renames it to `path`. On failure the temporary file
    /// is removed and `path` keeps its old contents.
    public static func replace(_ path: [UInt8], with bytes: [UInt8], permissions: UInt32 = 0o644) throws(Errno) {
        // Paths as NUL-terminated bytes: a name that is not UTF-8 is used as given.
        let final = path.map { CChar(bitPattern: $0) } + [0], temporary = Array(final.dropLast()) + Array(".tmp".utf8CString)
        let fd = pk_open(temporary, O_WRONLY | O_CREAT | O_TRUNC, Int32(permissions))
        if fd < 0 { throw Errno.current }
        let file = FileDescriptor(rawValue: fd)
        var failure: Errno?
        do { try file.writeAll(bytes) } catch { failure = error }
        do { try file.close() } catch { failure = failure ?? error }
        if failure == nil && rename(temporary, final) != 0 { failure = Errno.current }
        if let failure {
            _ = unlink(temporary)
            throw failure
        }
    }
}

/// The wall clock, for times other programs read (a status file's timestamps); intervals are measured
/// on the monotonic clock (``Deadline``), which does not jump.
public enum WallClock {
    /// Now, in nanoseconds since the Unix epoch.
    public static var nanosecondsSinceEpoch: Int64 { Deadline.clockNanoseconds(CLOCK_REALTIME) }
}
