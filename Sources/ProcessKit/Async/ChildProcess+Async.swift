#if !hasFeature(Embedded)
import CProcessKit

extension ChildProcess {
    /// Waits for it to exit, reaps it and returns how it ended, without holding a thread: the task
    /// sleeps on ProcessKit's poller thread, woken by the child's pidfd.
    ///
    /// Cancelling the task stops the child with `teardown` (SIGTERM, up to 5 s, SIGKILL by default),
    /// waits until it is gone, and then throws `CancellationError`: no child outlives the task.
    public func wait(onCancel teardown: Teardown = .standard) async throws -> WaitStatus {
        let status = try await withTaskCancellationHandler {
            try await exitStatus()
        } onCancel: {
            Task.detached { _ = try? await self.tearDown(teardown) }
        }
        if Task.isCancelled { throw CancellationError() }
        return status
    }

    /// Stops it with `teardown`'s steps, ending early once it has exited, and SIGKILL after the last;
    /// returns how it ended. The waits between steps suspend the task instead of blocking a thread,
    /// and cancelling the task does not cut the sequence short: it always ends with the child reaped.
    @discardableResult
    public func tearDown(_ teardown: Teardown = .standard) async throws -> WaitStatus {
        for step in teardown.steps {
            if let status = try tryWait() { return status }
            switch step {
            case .signal(let signal):
                try sendIgnoringGone(signal, toGroup: teardown.signalsProcessGroup)
            case .wait(let seconds):
                if let status = try await exitStatus(within: seconds) { return status }
            }
        }
        if let status = try tryWait() { return status }
        try sendIgnoringGone(.kill, toGroup: teardown.signalsProcessGroup)
        return try await exitStatus()
    }

    /// Waits for it to exit and reaps it, ignoring cancellation (the child must be reaped).
    func exitStatus() async throws -> WaitStatus {
        var pause: UInt64 = 1_000_000
        while true {
            if let status = try tryWait() { return status }
            if let pidDescriptor {
                try await EventPoller.shared.ready(pidDescriptor.rawValue, cancellable: false)
            } else {
                // No pidfd (Linux before 5.3): look again after a pause that grows to 50 ms.
                await Self.sleepIgnoringCancellation(nanoseconds: pause)
                pause = Swift.min(pause * 2, 50_000_000)
            }
        }
    }

    /// Its status once it has exited, or nil if it still runs after `seconds` (cancellation ignored).
    func exitStatus(within seconds: Double) async throws -> WaitStatus? {
        let deadline = Deadline(nanoseconds: Deadline.now.nanoseconds &+ Int64(Swift.max(0, Swift.min(seconds, 1e9)) * 1e9))
        var pause: UInt64 = 1_000_000
        while true {
            if let status = try tryWait() { return status }
            if deadline.hasPassed { return nil }
            if let pidDescriptor {
                try await EventPoller.shared.ready(pidDescriptor.rawValue, until: deadline, cancellable: false)
            } else {
                await Self.sleepIgnoringCancellation(nanoseconds: pause)
                pause = Swift.min(pause * 2, 50_000_000)
            }
        }
    }

    /// Sleeps for the whole duration even in a cancelled task, on the poller (no fd: only a deadline).
    static func sleepIgnoringCancellation(nanoseconds: UInt64) async {
        try? await EventPoller.shared.sleep(until: Deadline(nanoseconds: Deadline.now.nanoseconds &+ Int64(nanoseconds)), cancellable: false)
    }
}
#endif
