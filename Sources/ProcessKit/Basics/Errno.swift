import CProcessKit

/// A C `errno` value with its name and the C library's text for it, thrown by every
/// ProcessKit call that wraps a system call.
///
/// swift-system's `SystemPackage` has an `Errno` too: in a file that imports both, write
/// `ProcessKit.Errno` (see <doc:UsingProcessKitBesideSwiftSystem>).
public struct Errno: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The C value, e.g. `ENOENT`.
    public let rawValue: Int32

    /// The error with the C value `rawValue`.
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The calling thread's `errno` right now.
    public static var current: Errno { Errno(rawValue: pk_errno()) }

    /// The C library's text, e.g. "No such file or directory"; "Unknown error N" where it has none.
    public var description: String { pk_strerror(rawValue).map { String(cString: $0) } ?? "Unknown error " + String(rawValue) }

    /// ENOENT: no such file or directory.
    public static let noSuchFile = Errno(rawValue: ENOENT)
    /// EACCES: permission denied.
    public static let permissionDenied = Errno(rawValue: EACCES)
    /// EINTR: a signal interrupted the call.
    public static let interrupted = Errno(rawValue: EINTR)
    /// ESRCH: no such process (it has ended and been reaped).
    public static let noSuchProcess = Errno(rawValue: ESRCH)
    /// ECHILD: no child to wait for.
    public static let noChildProcess = Errno(rawValue: ECHILD)
    /// ENOTDIR: a part of the path is not a directory.
    public static let notDirectory = Errno(rawValue: ENOTDIR)
    /// EAGAIN: try again, e.g. a non-blocking read found nothing, or the process limit was reached.
    public static let tryAgain = Errno(rawValue: EAGAIN)
    /// EISDIR: the path is a directory.
    public static let isDirectory = Errno(rawValue: EISDIR)
}

/// Runs a system call that returns -1 on failure, retrying on EINTR.
@inline(__always)
func retryingOnInterrupt<Result: BinaryInteger>(_ call: () -> Result) throws(Errno) -> Result {
    while true {
        let result = call()
        if result != -1 { return result }
        let error = Errno.current
        if error != .interrupted { throw error }
    }
}
