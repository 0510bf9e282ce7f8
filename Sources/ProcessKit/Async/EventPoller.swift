#if !hasFeature(Embedded)
import CProcessKit
import Synchronization

/// The one thread behind every `await` in ProcessKit: it sleeps in `epoll_wait` on the pidfds of
/// children being awaited and the pipes being read or written, and resumes each waiting task when
/// its fd is ready. A task that awaits a child or a pipe never holds a thread of the cooperative
/// pool, and however many tasks wait, ProcessKit adds this one thread.
///
/// Each wait is one-shot: the fd is watched for a single readiness event, then forgotten, so an fd
/// closed after its wait can never wake anyone.
final class EventPoller: Sendable {
    /// The process's poller, started on first use; its thread lives as long as the process.
    static let shared = EventPoller()

    /// A task waiting for an fd: the fd as registered (a duplicate when the same fd was already
    /// being watched for another task) and the continuation to resume.
    private struct Waiting {
        let registeredFD: Int32
        let isDuplicate: Bool
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var nextToken: UInt64 = 1
        var waiting: [UInt64: Waiting] = [:]
    }

    private let epoll: Int32
    /// Why the poller could not start (no epoll, no thread); every wait throws it.
    private let startError: Errno?
    private let state = Mutex(State())

    private init() {
        epoll = pk_epoll_create()
        guard epoll >= 0 else {
            startError = Errno.current
            return
        }
        startError = nil
        let started = pk_start_detached_thread({ context in
            Unmanaged<EventPoller>.fromOpaque(context!).takeUnretainedValue().run()
        }, Unmanaged.passRetained(self).toOpaque())
        if started != 0 { fatalError("ProcessKit: cannot start its event poller thread: \(Errno(rawValue: started))") }
    }

    /// Suspends until `fd` is readable (or writable, with `writable`), or has hung up or failed.
    /// With `cancellable`, cancelling the task stops the wait and throws `CancellationError`;
    /// otherwise the wait ignores cancellation (for waits that must finish, such as reaping a child
    /// that is being torn down).
    func ready(_ fd: Int32, writable: Bool = false, cancellable: Bool = true) async throws {
        if let startError { throw startError }
        let token = state.withLock { state in
            defer { state.nextToken += 1 }
            return state.nextToken
        }
        if cancellable {
            try await withTaskCancellationHandler {
                try await register(fd, writable: writable, token: token, cancellable: true)
            } onCancel: {
                self.finish(token, throwing: CancellationError())
            }
        } else {
            try await register(fd, writable: writable, token: token, cancellable: false)
        }
    }

    private func register(_ fd: Int32, writable: Bool, token: UInt64, cancellable: Bool) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let failure: (any Error)? = state.withLock { state in
                // Checked under the lock: a cancellation after this check finds the token registered.
                if cancellable && Task.isCancelled { return CancellationError() }
                var registeredFD = fd, isDuplicate = false
                if pk_epoll_watch_once(epoll, fd, writable ? 1 : 0, token) != 0 {
                    let error = Errno.current
                    guard error.rawValue == EEXIST else { return error }
                    // Another task waits on the same fd (e.g. two awaits of one child): epoll keys
                    // its entries by fd, so this one watches a duplicate.
                    registeredFD = pk_dup_cloexec(fd)
                    guard registeredFD >= 0 else { return Errno.current }
                    isDuplicate = true
                    if pk_epoll_watch_once(epoll, registeredFD, writable ? 1 : 0, token) != 0 {
                        let error = Errno.current
                        close(registeredFD)
                        return error
                    }
                }
                state.waiting[token] = Waiting(registeredFD: registeredFD, isDuplicate: isDuplicate,
                                               continuation: continuation)
                return nil
            }
            if let failure { continuation.resume(throwing: failure) }
        }
    }

    /// Ends the wait registered under `token`, if it is still waiting: stops watching its fd and
    /// resumes its task (with `error`, or normally). A token already finished is ignored, so the
    /// poller and a cancellation can race safely.
    private func finish(_ token: UInt64, throwing error: (any Error)? = nil) {
        guard let waiting = state.withLock({ state -> Waiting? in
            guard let waiting = state.waiting.removeValue(forKey: token) else { return nil }
            _ = pk_epoll_forget(epoll, waiting.registeredFD)
            if waiting.isDuplicate { close(waiting.registeredFD) }
            return waiting
        }) else { return }
        if let error { waiting.continuation.resume(throwing: error) } else { waiting.continuation.resume() }
    }

    /// The poller thread's loop.
    private func run() {
        var tokens = [UInt64](repeating: 0, count: 64)
        while true {
            let count = tokens.withUnsafeMutableBufferPointer { pk_epoll_wait_tokens(epoll, $0.baseAddress, 64, -1) }
            if count < 0 {
                if pk_errno() == EINTR { continue }
                fatalError("ProcessKit: epoll_wait failed: \(Errno.current)")
            }
            for index in 0..<Int(count) { finish(tokens[index]) }
        }
    }
}

#endif
