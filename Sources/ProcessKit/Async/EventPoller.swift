#if !hasFeature(Embedded)
import CProcessKit

/// The one thread behind every `await` in ProcessKit: it sleeps in `epoll_wait` on the pidfds of
/// children being awaited and the pipes being read or written, and resumes each waiting task when
/// its fd is ready or its deadline has passed. A task that awaits a child or a pipe never holds a
/// thread of the cooperative pool, and however many tasks wait, ProcessKit adds this one thread.
///
/// Each wait is one-shot: the fd is watched for a single readiness event, then forgotten, so an fd
/// closed after its wait can never wake anyone.
final class EventPoller: @unchecked Sendable {
    /// The process's poller, started on first use; its thread lives as long as the process.
    static let shared = EventPoller()

    /// A task waiting for an fd: the fd as registered (a duplicate when the same fd was already
    /// being watched for another task), its deadline, and the continuation to resume.
    private struct Waiting {
        let registeredFD: Int32
        let isDuplicate: Bool
        let deadline: Deadline?
        let continuation: CheckedContinuation<Bool, any Error>
    }

    private struct State {
        var nextToken: UInt64 = 1
        var waiting: [UInt64: Waiting] = [:]
        /// The tokens of waits with a deadline, for the poller to find the earliest.
        var timed: [UInt64: Deadline] = [:]
        /// The deadline the poller thread sleeps until (nil: no deadline); an earlier one wakes it.
        var sleepsUntil: Deadline?
    }

    /// The token of the eventfd that wakes the poller for a new, earlier deadline.
    private static let wakeToken: UInt64 = 0

    private let epoll: Int32
    private let wake: Int32
    /// Why the poller could not start (no epoll, no eventfd); every wait throws it.
    private let startError: Errno?
    /// Guards ``state``, the one mutable part (so the class is safe to share).
    private let lock = Lock()
    private var state = State()

    private init() {
        epoll = pk_epoll_create()
        wake = epoll >= 0 ? pk_eventfd_create() : -1
        guard epoll >= 0, wake >= 0, pk_epoll_watch(epoll, wake, Self.wakeToken) == 0 else {
            startError = Errno.current
            return
        }
        startError = nil
        let started = pk_start_detached_thread({ context in
            Unmanaged<EventPoller>.fromOpaque(context).takeUnretainedValue().run()
        }, Unmanaged.passRetained(self).toOpaque())
        if started != 0 { fatalError("ProcessKit: cannot start its event poller thread: \(Errno(rawValue: started))") }
    }

    private func withState<T>(_ body: (inout State) -> T) -> T { lock.withLock { body(&state) } }

    /// Suspends until `deadline` has passed, on the poller's clock rather than a thread.
    func sleep(until deadline: Deadline, cancellable: Bool = true) async throws {
        try await ready(-1, until: deadline, cancellable: cancellable)
    }

    /// Suspends until `fd` is readable (or writable, with `writable`), has hung up or failed: true;
    /// or until `deadline` has passed: false. A negative `fd` waits for the deadline alone. With `cancellable`, cancelling the task stops the wait
    /// and throws `CancellationError`; otherwise the wait ignores cancellation (for waits that must
    /// finish, such as reaping a child that is being torn down).
    @discardableResult
    func ready(_ fd: Int32, writable: Bool = false, until deadline: Deadline? = nil, cancellable: Bool = true) async throws -> Bool {
        if let startError { throw startError }
        let token = withState { state in
            defer { state.nextToken += 1 }
            return state.nextToken
        }
        return try await withTaskCancellationHandler {
            try await register(fd, writable: writable, deadline: deadline, token: token, cancellable: cancellable)
        } onCancel: {
            if cancellable { self.finish(token, with: .failure(CancellationError())) }
        }
    }

    private func register(_ fd: Int32, writable: Bool, deadline: Deadline?, token: UInt64, cancellable: Bool) async throws -> Bool {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Bool, any Error>) in
            let outcome: Result<Bool, any Error>? = withState { state in
                // Checked under the lock: a cancellation after this check finds the token registered.
                if cancellable && Task.isCancelled { return .failure(CancellationError()) }
                if let deadline, deadline.hasPassed { return .success(false) }
                var registeredFD = fd, isDuplicate = false
                if fd >= 0, pk_epoll_watch_once(epoll, fd, writable ? 1 : 0, token) != 0 {
                    let error = Errno.current
                    guard error.rawValue == EEXIST else { return .failure(error) }
                    // Another task waits on the same fd (e.g. two awaits of one child): epoll keys
                    // its entries by fd, so this one watches a duplicate.
                    registeredFD = pk_dup_cloexec(fd)
                    guard registeredFD >= 0 else { return .failure(Errno.current) }
                    isDuplicate = true
                    if pk_epoll_watch_once(epoll, registeredFD, writable ? 1 : 0, token) != 0 {
                        let error = Errno.current
                        close(registeredFD)
                        return .failure(error)
                    }
                }
                state.waiting[token] = Waiting(registeredFD: registeredFD, isDuplicate: isDuplicate,
                                               deadline: deadline, continuation: continuation)
                if let deadline {
                    state.timed[token] = deadline
                    if state.sleepsUntil.map({ deadline < $0 }) ?? true { _ = pk_eventfd_signal(wake) }
                }
                return nil
            }
            if let outcome { continuation.resume(with: outcome) }
        }
    }

    /// Ends the wait registered under `token`, if it is still waiting: stops watching its fd and
    /// resumes its task with `outcome`. A token already finished is ignored, so the poller, a
    /// deadline and a cancellation can race safely.
    private func finish(_ token: UInt64, with outcome: Result<Bool, any Error>) {
        guard let waiting = withState({ state -> Waiting? in
            guard let waiting = state.waiting.removeValue(forKey: token) else { return nil }
            if waiting.deadline != nil { state.timed[token] = nil }
            if waiting.registeredFD >= 0 { _ = pk_epoll_forget(epoll, waiting.registeredFD) }
            if waiting.isDuplicate { close(waiting.registeredFD) }
            return waiting
        }) else { return }
        waiting.continuation.resume(with: outcome)
    }

    /// The poller thread's loop: wait for ready fds or the earliest deadline, resume their tasks.
    private func run() -> Never {
        var tokens = [UInt64](repeating: 0, count: 64)
        while true {
            let earliest = withState { state in
                state.sleepsUntil = state.timed.values.min()
                return state.sleepsUntil
            }
            guard let count = try? retryingOnInterrupt({
                pk_epoll_wait_tokens(epoll, &tokens, 64, earliest.map { Swift.min($0.millisecondsRemaining, 3_600_000) } ?? -1)
            }) else { fatalError("ProcessKit: epoll_wait failed: \(Errno.current)") }
            for index in 0..<Int(count) {
                if tokens[index] == Self.wakeToken { _ = pk_eventfd_drain(wake) } else { finish(tokens[index], with: .success(true)) }
            }
            if earliest != nil {
                let now = Deadline.now
                let expired = withState { state in state.timed.filter { $0.value <= now }.map(\.key) }
                for token in expired { finish(token, with: .success(false)) }
            }
        }
    }
}
#endif
