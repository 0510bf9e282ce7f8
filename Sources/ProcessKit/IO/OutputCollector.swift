import CProcessKit

/// Bytes read from one stream, kept up to a limit: past it, reading goes on (so the writer never
/// blocks on a full pipe) and what is read is dropped, with ``truncated`` set. Memory stays bounded
/// by the limit.
///
/// Reads go straight into the spare capacity of the one buffer that is handed back, so no byte is
/// copied on its way in. The buffer grows in large steps (the part of a step never written is
/// address space, not memory: the kernel gives pages on first touch). An Array cannot grow in
/// place, so each step is a new allocation; the bytes move into it by remapping their pages where
/// the kernel allows (``pk_move_bytes``), so a large output is neither copied nor faulted in twice.
/// Past its first MiB, the memory ahead of the reads is given a MiB at a time (``pk_prefault``)
/// rather than by a page fault per page, which saves each fault's entry and exit.
struct OutputCollector {
    /// The most bytes kept.
    let limit: Int
    /// What was kept, in order, with room to spare.
    private var storage: [UInt8] = []
    /// True once anything past ``limit`` was dropped.
    private(set) var truncated = false
    /// How many bytes were kept so far.
    var keptCount: Int { storage.count }
    /// How far into ``storage`` its memory was given in advance (``pk_prefault``).
    private var prefaultedCount = 0

    init(limit: Int) { self.limit = limit }

    /// The first buffer's size, and how much a read takes at most once the limit is reached: a pipe's
    /// default capacity.
    static let chunkSize = 65536
    /// How many times larger each new buffer is than the one it replaces.
    static let growthFactor = 8
    /// Below this size a buffer may sit in the C library's heap (glibc's largest threshold for giving
    /// an allocation a mapping of its own is 32 MiB).
    static let heapSize = 32 << 20
    /// Once this much is kept, the memory ahead of the reads is given in one call per
    /// ``prefaultSize`` (``pk_prefault``) instead of one page fault per page: the kernel's work per
    /// page is the same, the fault's entry and exit are saved. Smaller outputs are not worth it.
    static let prefaultFrom = 1 << 20
    /// How much memory ahead of the reads is given at a time: a large pipe's capacity, so each read
    /// of a full pipe lands in memory given in advance. At most this much is given and never used.
    static let prefaultSize = 1 << 20

    /// What was kept, in order. A small result that fills less than half its buffer is copied to its
    /// size, so that many small results do not each hold a large buffer.
    var bytes: [UInt8] {
        // Nothing kept is the shared empty array: making one of capacity 0 below writes its count into
        // that shared storage, which ThreadSanitizer reports as a race with every other empty array.
        if storage.isEmpty { return [] }
        let spare = storage.capacity - storage.count
        guard spare > storage.count && spare > 4096 && storage.capacity < OutputCollector.heapSize else { return storage }
        return storage.withUnsafeBufferPointer { kept in
            [UInt8](unsafeUninitializedCapacity: kept.count) { buffer, count in
                count = buffer.initialize(fromContentsOf: kept)
            }
        }
    }

    /// Reads what `fd` has into the collection. Returns nil at end of file, else whether the read may
    /// have left more behind (it filled all the room it was given); a non-blocking fd with nothing to
    /// read throws EAGAIN.
    mutating func take(from fd: FileDescriptor) throws(Errno) -> Bool? {
        let room = limit - storage.count
        if room <= 0 { return try drop(from: fd) }
        if storage.count == storage.capacity { grow() }
        let space = min(room, storage.capacity - storage.count)
        let kept = storage.count
        var prefaulted = prefaultedCount
        var count = 0
        try storage.append(addingCapacity: space) { (span: inout OutputSpan<UInt8>) throws(Errno) in
            try span.withUnsafeMutableBufferPointer { (buffer, initialized) throws(Errno) in
                if kept >= OutputCollector.prefaultFrom && prefaulted < kept + OutputCollector.prefaultSize {
                    let from = max(prefaulted, kept), through = min(kept + space, from + OutputCollector.prefaultSize)
                    pk_prefault(buffer.baseAddress! + (from - kept), through - from)
                    prefaulted = through
                }
                count = try fd.read(into: UnsafeMutableRawBufferPointer(buffer))
                initialized = count
            }
        }
        prefaultedCount = prefaulted
        return count == 0 ? nil : count == space
    }

    /// ``take(from:)`` for the pumps' non-blocking pipes, where nothing to read now (EAGAIN) is
    /// false, as after a short read: wait until the pipe is readable again.
    mutating func takeAvailable(from fd: FileDescriptor) throws(Errno) -> Bool? {
        do {
            return try take(from: fd)
        } catch {
            if error != .tryAgain { throw error }
            return false
        }
    }

    /// Reads a chunk past the limit and drops it. Returns as ``take(from:)`` does.
    private mutating func drop(from fd: FileDescriptor) throws(Errno) -> Bool? {
        let count = try withUnsafeTemporaryAllocation(byteCount: OutputCollector.chunkSize, alignment: 16) {
            (buffer) throws(Errno) in
            try fd.read(into: buffer)
        }
        if count > 0 { truncated = true }
        return count == 0 ? nil : count == OutputCollector.chunkSize
    }

    /// Moves the bytes into a buffer ``growthFactor`` times larger (at most ``limit``).
    private mutating func grow() {
        let capacity = storage.capacity
        let size =
            capacity == 0
            ? min(limit, OutputCollector.chunkSize)
            : capacity > limit / OutputCollector.growthFactor ? limit : capacity * OutputCollector.growthFactor
        var grown: [UInt8] = []
        grown.append(addingCapacity: size) { span in
            span.withUnsafeMutableBufferPointer { buffer, initialized in
                // Mutable access makes the old buffer this collector's alone, so taking its pages is safe.
                storage.withUnsafeMutableBufferPointer { old in
                    if let start = old.baseAddress { pk_move_bytes(buffer.baseAddress!, start, old.count) }
                }
                initialized = storage.count
            }
        }
        storage = grown
        prefaultedCount = storage.count
    }
}
