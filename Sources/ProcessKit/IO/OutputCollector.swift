/// Bytes read from one stream, kept up to a limit: past it, reading goes on (so the writer never
/// blocks on a full pipe) and what is read is dropped, with ``truncated`` set. Memory stays bounded
/// by the limit.
struct OutputCollector {
    /// The most bytes kept.
    let limit: Int
    /// What was kept, in order.
    private(set) var bytes: [UInt8] = []
    /// True once anything past ``limit`` was dropped.
    private(set) var truncated = false

    init(limit: Int) { self.limit = limit }

    /// How much one read takes at most: a pipe's default capacity.
    static let chunkSize = 65536

    /// Reads one chunk from `fd` into the collection. Returns false at end of file; a non-blocking fd
    /// with nothing to read throws EAGAIN.
    mutating func take(from fd: FileDescriptor) throws(Errno) -> Bool {
        try withUnsafeTemporaryAllocation(byteCount: OutputCollector.chunkSize, alignment: 16) { (buffer) throws(Errno) -> Bool in
            let count = try fd.read(into: buffer)
            guard count > 0 else { return false }
            append(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            return true
        }
    }

    /// Keeps what fits of `chunk` under the limit and notes whether anything was dropped.
    mutating func append(_ chunk: UnsafeRawBufferPointer) {
        let room = limit - bytes.count
        if chunk.count > room { truncated = true }
        if room > 0 { bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[..<min(room, chunk.count)])) }
    }
}
