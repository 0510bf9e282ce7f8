/// Where a child's standard output or standard error goes.
///
/// ```swift
/// var git = Command("git", arguments: ["--version"])
/// git.standardOutput = .capture(limit: 4096)
/// git.standardError = .null
/// let version = try git.run().standardOutputText
/// ```
public enum StandardOutput: Equatable, Sendable {
    /// This process's own fd 1 (for standard output) or fd 2 (for standard error).
    case inherit
    /// `/dev/null`: discarded.
    case null
    /// An fd of this process, which the child gets as its fd 1 or 2. The caller keeps it and closes it.
    case fileDescriptor(FileDescriptor)
    /// A file by path, created if missing (permissions 0666 less the umask); emptied first unless
    /// `append` is true.
    case file(String, append: Bool = false)
    /// A pipe whose read end the caller gets as ``ChildProcess/standardOutput`` or
    /// ``ChildProcess/standardError`` and reads itself, for streaming.
    case pipe
    /// Collected into memory, at most `limit` bytes (at least 1). Past the limit the rest is still read,
    /// so the child never blocks, but dropped, and the result's `…Truncated` flag says so: memory
    /// never grows past the limit. The default limit is ``defaultCaptureLimit``.
    case capture(limit: Int = StandardOutput.defaultCaptureLimit)
    /// For standard error only: wherever standard output goes (`2>&1`), into the same pipe when it is
    /// captured, so the two stay in the order the child wrote them.
    case standardOutput

    /// 16 MiB: what ``capture(limit:)`` keeps when no limit is given.
    public static let defaultCaptureLimit = 16 * 1024 * 1024
}
