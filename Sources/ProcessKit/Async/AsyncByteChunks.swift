#if !hasFeature(Embedded)
import CProcessKit

/// What a pipe (or any fd) delivers, as an `AsyncSequence` of byte chunks in the order they were
/// read, ending at end of file. A read that would block suspends the task on ProcessKit's poller
/// instead of holding a thread; cancelling the task ends the iteration with `CancellationError`.
///
/// The fd is borrowed: it must stay open while the sequence is iterated, and is set to
/// non-blocking mode. One task iterates one fd at a time.
///
/// ```swift
/// for try await chunk in AsyncByteChunks(reading: fd) { total += chunk.count }
/// for try await line in AsyncByteChunks(reading: fd).lines { print(line) }
/// ```
public struct AsyncByteChunks: AsyncSequence, Sendable {
    /// A chunk of bytes as one `read` returned them, never empty.
    public typealias Element = [UInt8]

    /// The fd read, borrowed.
    public let fd: Int32
    /// The most bytes one chunk holds (the size of each `read`).
    public let chunkSize: Int

    /// Chunks of at most `chunkSize` bytes read from `fd`.
    public init(reading fd: Int32, chunkSize: Int = 64 * 1024) {
        self.fd = fd
        self.chunkSize = Swift.max(1, chunkSize)
    }

    /// Starts reading; iterate it in one task.
    public func makeAsyncIterator() -> Iterator { Iterator(fd: fd, chunkSize: chunkSize) }

    /// Reads chunks as they are asked for; the first `next()` makes the fd non-blocking.
    public struct Iterator: AsyncIteratorProtocol {
        let fd: Int32
        let chunkSize: Int
        var madeNonBlocking = false
        var ended = false

        /// The next chunk, suspending until the fd is readable; nil at end of file.
        public mutating func next() async throws -> [UInt8]? {
            if ended { return nil }
            if !madeNonBlocking {
                guard pk_set_nonblocking(fd, 1) == 0 else { throw Errno.current }
                madeNonBlocking = true
            }
            while true {
                try Task.checkCancellation()
                do {
                    let chunk = try [UInt8](unsafeUninitializedCapacity: chunkSize) { buffer, initialized in
                        initialized = try retryingOnInterrupt { read(fd, buffer.baseAddress, buffer.count) }
                    }
                    if !chunk.isEmpty { return chunk }
                    ended = true
                    return nil
                } catch let error as Errno where error == .tryAgain {
                    try await EventPoller.shared.ready(fd)
                }
            }
        }
    }

    /// The same bytes as lines: split at each newline, which is left out, decoded as UTF-8 (bytes
    /// that are not UTF-8 read as U+FFFD). A last line without a newline is delivered too.
    public var lines: AsyncLines { AsyncLines(chunks: self) }
}

/// Lines of an ``AsyncByteChunks``, without their newline; see ``AsyncByteChunks/lines``.
public struct AsyncLines: AsyncSequence, Sendable {
    /// A line, without its newline.
    public typealias Element = String

    let chunks: AsyncByteChunks

    /// Starts reading; iterate it in one task.
    public func makeAsyncIterator() -> Iterator { Iterator(chunks: chunks.makeAsyncIterator()) }

    /// Reads chunks as lines are asked for.
    public struct Iterator: AsyncIteratorProtocol {
        var chunks: AsyncByteChunks.Iterator
        var pending: [UInt8] = []
        var searchedUpTo = 0
        var ended = false

        /// The next line, suspending until it is complete; nil at end of file.
        public mutating func next() async throws -> String? {
            while true {
                if let newline = pending[searchedUpTo...].firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: pending[..<newline], as: UTF8.self)
                    pending.removeSubrange(...newline)
                    searchedUpTo = 0
                    return line
                }
                searchedUpTo = pending.count
                if ended {
                    guard !pending.isEmpty else { return nil }
                    defer { pending = []; searchedUpTo = 0 }
                    return String(decoding: pending, as: UTF8.self)
                }
                if let chunk = try await chunks.next() { pending += chunk } else { ended = true }
            }
        }
    }
}
#endif
