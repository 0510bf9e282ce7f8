import CProcessKit

/// An open file descriptor of this process, by number: a pipe end, a file, a pidfd. A plain value:
/// copying it does not duplicate the fd, and whoever owns it closes it once (``close()``).
/// ProcessKit's own fds are close-on-exec; a child gets only its standard streams and the fds a
/// ``Command`` passes on explicitly.
///
/// swift-system's `SystemPackage` has a `FileDescriptor` too: in a file that imports both, write
/// `ProcessKit.FileDescriptor` (see <doc:UsingProcessKitBesideSwiftSystem>).
///
/// ```swift
/// let (readEnd, writeEnd) = try FileDescriptor.pipe()
/// try writeEnd.writeAll(Array("hello".utf8))
/// try writeEnd.close()
/// let bytes = try readEnd.read(upToCount: 5)   // "hello"
/// ```
public struct FileDescriptor: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The fd number.
    public let rawValue: Int32

    /// The fd with this number (nothing is opened or checked).
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// fd 0.
    public static let standardInput = FileDescriptor(rawValue: 0)
    /// fd 1.
    public static let standardOutput = FileDescriptor(rawValue: 1)
    /// fd 2.
    public static let standardError = FileDescriptor(rawValue: 2)

    /// How ``open(_:_:permissions:)`` opens a file.
    public enum OpenMode: Equatable, Sendable {
        /// For reading; the file must exist.
        case read
        /// For writing, created if missing and emptied if not.
        case write
        /// For writing at its end, created if missing.
        case append
    }

    /// Opens `path` (close-on-exec). A file created gets `permissions` less this process's umask.
    public static func open(_ path: String, _ mode: OpenMode, permissions: UInt32 = 0o666) throws(Errno) -> FileDescriptor {
        let flags: Int32 =
            switch mode {
            case .read: O_RDONLY
            case .write: O_WRONLY | O_CREAT | O_TRUNC
            case .append: O_WRONLY | O_CREAT | O_APPEND
            }
        let fd = try retryingOnInterrupt { pk_open(path, flags, Int32(permissions)) }
        return FileDescriptor(rawValue: fd)
    }

    /// A new pipe, both ends close-on-exec: bytes written to `writeEnd` come out of `readEnd`.
    public static func pipe() throws(Errno) -> (readEnd: FileDescriptor, writeEnd: FileDescriptor) {
        var fds: [Int32] = [-1, -1]
        if pk_pipe_cloexec(&fds) != 0 { throw Errno.current }
        return (FileDescriptor(rawValue: fds[0]), FileDescriptor(rawValue: fds[1]))
    }

    /// True while this number names an open fd of this process.
    public var isOpen: Bool { pk_fd_is_open(rawValue) == 1 }

    /// Reads what is there, at most `buffer.count` bytes, waiting for some if there are none (unless the
    /// fd is non-blocking: then EAGAIN is thrown). Returns the count read; 0 at end of file.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        try retryingOnInterrupt { CProcessKit.read(rawValue, buffer.baseAddress, buffer.count) }
    }

    /// Reads what is there, at most `count` bytes, waiting for some if there are none; empty at end of file.
    public func read(upToCount count: Int) throws(Errno) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        // Array's withUnsafe…Bytes rethrow untyped errors: the typed one travels in a Result.
        let got = try bytes.withUnsafeMutableBytes { buffer in Result { () throws(Errno) in try read(into: buffer) } }.get()
        bytes.removeLast(count - got)
        return bytes
    }

    /// Reads until end of file, keeping at most `limit` bytes (the rest is read and dropped, so the writer
    /// is never blocked). `truncated` says whether anything was dropped.
    public func readToEnd(limit: Int) throws(Errno) -> (bytes: [UInt8], truncated: Bool) {
        var collector = OutputCollector(limit: limit)
        while try collector.take(from: self) != nil {}
        return (collector.bytes, collector.truncated)
    }

    /// Writes some of `bytes`, as much as fits, waiting for room if there is none (unless non-blocking).
    /// Returns the count written.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(Errno) -> Int {
        try retryingOnInterrupt { CProcessKit.write(rawValue, bytes.baseAddress, bytes.count) }
    }

    /// Writes all of `bytes`, waiting for room as needed.
    public func writeAll(_ bytes: [UInt8]) throws(Errno) {
        var offset = 0
        try write(bytes, from: &offset)
    }

    /// Writes `bytes` from `offset` on until all is written or a write fails, moving `offset` past
    /// what was written.
    func write(_ bytes: [UInt8], from offset: inout Int) throws(Errno) {
        while offset < bytes.count {
            let start = offset
            offset += try bytes.withUnsafeBytes { buffer in
                Result { () throws(Errno) in try write(UnsafeRawBufferPointer(rebasing: buffer[start...])) }
            }.get()
        }
    }

    /// Writes `bytes` from `offset` on to this non-blocking pipe end, as much as it takes, moving
    /// `offset` on: true once all is written or the reader has gone (EPIPE), false while the pipe is
    /// full. SIGPIPE, which a write to a pipe without a reader raises in the writing thread, is blocked
    /// around the writes and discarded after EPIPE, so it cannot kill this process.
    func feed(_ bytes: [UInt8], from offset: inout Int) throws(Errno) -> Bool {
        let previousMask = try? SignalSet([.brokenPipe]).block()
        defer { if let previousMask, !previousMask.contains(.brokenPipe) { _ = try? SignalSet([.brokenPipe]).unblock() } }
        do {
            try write(bytes, from: &offset)
        } catch {
            if error == .tryAgain { return false }
            if error.rawValue != EPIPE { throw error }
            pk_discard_own_sigpipe()
        }
        return true
    }

    /// Closes the fd. Not retried on EINTR: Linux has closed it by then.
    public func close() throws(Errno) {
        if CProcessKit.close(rawValue) != 0 {
            let error = Errno.current
            if error != .interrupted { throw error }
        }
    }

    /// "fd 5", as error messages name it.
    public var description: String { "fd " + String(rawValue) }
}
