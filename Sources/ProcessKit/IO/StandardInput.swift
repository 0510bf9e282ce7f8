/// Where a child's standard input (fd 0) comes from.
///
/// ```swift
/// var sort = Command("sort")
/// sort.standardInput = .bytes(Array("b\na\n".utf8))
/// let sorted = try sort.run().standardOutputText   // "a\nb\n"
/// ```
public enum StandardInput: Equatable, Sendable {
    /// This process's own fd 0.
    case inherit
    /// `/dev/null`: the child reads end of file at once.
    case null
    /// An fd of this process, which the child gets as its fd 0. The caller keeps it and closes it.
    case fileDescriptor(FileDescriptor)
    /// A file opened for reading by path.
    case file(String)
    /// A pipe whose write end the caller gets as ``ChildProcess/standardInput`` and writes to itself;
    /// closing it (``ChildProcess/closeStandardInput()``) is the child's end of file.
    case pipe
    /// These bytes, then end of file. ``Command/run(input:timeout:teardown:readingUntil:)-1yk49`` and
    /// ``ChildProcess/collect(until:teardown:readingUntil:)`` write them while reading the child's output, so a
    /// child that writes before it has read all its input never deadlocks.
    case bytes([UInt8])
}
