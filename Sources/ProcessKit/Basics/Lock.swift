import CProcessKit

/// ProcessKit's own lock (`pk_lock`, C atomics), which ThreadSanitizer follows; it reported races on
/// state behind Synchronization's `Mutex`, a futex it does not see as synchronisation.
final class Lock: @unchecked Sendable {
    private let word = UnsafeMutablePointer<Int32>.allocate(capacity: 1)

    init() { word.initialize(to: 0) }

    deinit { word.deallocate() }

    func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        pk_lock(word)
        defer { pk_unlock(word) }
        return try body()
    }
}
