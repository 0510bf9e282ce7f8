#if !hasFeature(Embedded)
import CProcessKit

/// The one thread behind every `await` in ProcessKit: it sleeps in `epoll_wait` on the pidfds of
/// children being awaited and the pipes being read or written, and resumes each waiting task when
/// one of its fds is ready or its deadline has passed. A task that awaits a child or a pipe never holds a
/// thread of the cooperative pool, and however many tasks wait, ProcessKit adds this one thread.
///
/// Each wait is one-shot: its fds are watched for a single readiness event, then forgotten, so an fd
/// closed after its wait can never wake anyone.
final class EventPoller: @unchecked Sendable {
    /// The process's poller, started on first use; its thread lives as long as the process.
    static let shared = EventPoller()

    /// A task waiting for fds: each fd as registered (a duplicate when the same fd was already
    /// being watched for another task), its deadline, and the continuation to resume.
    private struct Waiting {
        let registered: [Registered]
        let deadline: Deadline?
        let continuation: CheckedContinuation<Bool, any Error>
    }

    /// One fd watched for a wait: the number epoll knows it by, and whether that is a duplicate.
    private struct Registered {
        let fd: Int32
        let isDuplicate: Bool
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
        wake = epoll >= 0 ? eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK)) : -1
        guard epoll >= 0, wake >= 0, pk_epoll_watch(epoll, wake, Self.wakeToken) == 0 else {
            startError = Errno.current
            return
        }
        startError = nil
        let started = pk_start_detached_thread(
            { context in
                Unmanaged<EventPoller>.fromOpaque(context).takeUnretainedValue().run()
            }, Unmanaged.passRetained(self).toOpaque())
        if started != 0 { fatalError("ProcessKit: cannot start its event poller thread: \(Errno(rawValue: started))") }
    }

    private func withState<T>(_ body: (inout State) -> T) -> T { lock.withLock { body(&state) } }

    /// Suspends until `deadline` has passed, on the poller's clock rather than a thread.
    func sleep(until deadline: Deadline, cancellable: Bool = true) async throws {
        try await ready(Readiness(deadline: deadline), cancellable: cancellable)
    }

    /// Suspends until `fd` is readable (or writable, with `writable`), has hung up or failed: true;
    /// or until `deadline` has passed: false.
    @discardableResult
    func ready(
        _ fd: Int32, writable: Bool = false, until deadline: Deadline? = nil, cancellable: Bool = true
    ) async throws -> Bool {
        try await ready(
            Readiness(watches: [Readiness.Watch(fd: fd, writable: writable)], deadline: deadline), cancellable: cancellable)
    }

    /// Suspends until one of the fds `readiness` watches is ready (true), or its deadline has passed
    /// (false): the `await` driver of a ``Stepper``. With `cancellable`, cancelling the task stops the
    /// wait and throws `CancellationError`; otherwise the wait ignores cancellation (for waits that
    /// must finish, such as reaping a child that is being torn down).
    @discardableResult
    func ready(_ readiness: Readiness, cancellable: Bool) async throws -> Bool {
        if let startError { throw startError }
        let token = withState { state in
            defer { state.nextToken += 1 }
            return state.nextToken
        }
        return try await withTaskCancellationHandler {
            try await register(readiness, token: token, cancellable: cancellable)
        } onCancel: {
            if cancellable { self.finish(token, with: .failure(CancellationError())) }
        }
    }

    private func register(_ readiness: Readiness, token: UInt64, cancellable: Bool) async throws -> Bool {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Bool, any Error>) in
            let outcome: Result<Bool, any Error>? = withState { state in
                // Checked under the lock: a cancellation after this check finds the token registered.
                if cancellable && Task.isCancelled { return .failure(CancellationError()) }
                if let deadline = readiness.deadline, deadline.hasPassed { return .success(false) }
                var registered: [Registered] = []
                for watch in readiness.watches {
                    do throws(Errno) { registered.append(try watchOnce(watch, token: token)) } catch {
                        forget(registered)
                        return .failure(error)
                    }
                }
                state.waiting[token] = Waiting(registered: registered, deadline: readiness.deadline, continuation: continuation)
                if let deadline = readiness.deadline {
                    state.timed[token] = deadline
                    if state.sleepsUntil.map({ deadline < $0 }) ?? true { eventfd_write(wake, 1) }
                }
                return nil
            }
            if let outcome { continuation.resume(with: outcome) }
        }
    }

    /// Watches one fd for a single readiness event reported with `token`.
    private func watchOnce(_ watch: Readiness.Watch, token: UInt64) throws(Errno) -> Registered {
        if pk_epoll_watch_once(epoll, watch.fd, watch.writable ? 1 : 0, token) == 0 {
            return Registered(fd: watch.fd, isDuplicate: false)
        }
        guard Errno.current.rawValue == EEXIST else { throw Errno.current }
        // Another task waits on the same fd (e.g. two awaits of one child): epoll keys its entries
        // by fd, so this one watches a duplicate.
        let duplicate = pk_dup_cloexec(watch.fd)
        guard duplicate >= 0 else { throw Errno.current }
        if pk_epoll_watch_once(epoll, duplicate, watch.writable ? 1 : 0, token) != 0 {
            let error = Errno.current
            close(duplicate)
            throw error
        }
        return Registered(fd: duplicate, isDuplicate: true)
    }

    /// Stops watching fds registered for a wait.
    private func forget(_ registered: [Registered]) {
        for entry in registered {
            _ = pk_epoll_forget(epoll, entry.fd)
            if entry.isDuplicate { close(entry.fd) }
        }
    }

    /// Ends the wait registered under `token`, if it is still waiting: stops watching its fd and
    /// resumes its task with `outcome`. A token already finished is ignored, so the poller, a
    /// deadline and a cancellation can race safely.
    private func finish(_ token: UInt64, with outcome: Result<Bool, any Error>) {
        guard
            let waiting = withState({ state -> Waiting? in
                guard let waiting = state.waiting.removeValue(forKey: token) else { return nil }
                if waiting.deadline != nil { state.timed[token] = nil }
                forget(waiting.registered)
                return waiting
            })
        else { return }
        waiting.continuation.resume(with: outcome)
    }

    /// The poller thread's loop: wait for ready fds or the earliest deadline, resume their tasks.
    private func run() -> Never {
        var tokens = [UInt64](repeating: 0, count: 64)
        var wakeCount: eventfd_t = 0
        while true {
            let earliest = withState { state in
                state.sleepsUntil = state.timed.values.min()
                return state.sleepsUntil
            }
            guard
                let count = try? retryingOnInterrupt({
                    pk_epoll_wait_tokens(
                        epoll, &tokens, 64, earliest.map { Swift.min($0.millisecondsRemaining, 3_600_000) } ?? -1)
                })
            else { fatalError("ProcessKit: epoll_wait failed: \(Errno.current)") }
            for index in 0..<Int(count) {
                if tokens[index] == Self.wakeToken {
                    eventfd_read(wake, &wakeCount)
                } else {
                    finish(tokens[index], with: .success(true))
                }
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
