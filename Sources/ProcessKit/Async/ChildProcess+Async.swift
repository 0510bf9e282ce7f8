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
        var progress = TeardownProgress(teardown)
        while true {
            if let status = try tryWait() { return status }
            guard let due = try progress.advance(send: { (signal) throws(Errno) in
                try sendIgnoringGone(signal, toGroup: teardown.signalsProcessGroup)
            }) else { return try await exitStatus() }
            if let status = try await exitStatus(until: due) { return status }
        }
    }

    /// Waits for it to exit and reaps it, ignoring cancellation (the child must be reaped).
    func exitStatus() async throws -> WaitStatus {
        while true {
            if let status = try await exitStatus(until: nil) { return status }
        }
    }

    /// Its status once it has exited, or nil if it still runs at `deadline` (cancellation ignored).
    func exitStatus(until deadline: Deadline?) async throws -> WaitStatus? {
        var pause: Int64 = 1_000_000
        while true {
            if let status = try tryWait() { return status }
            if let deadline, deadline.hasPassed { return nil }
            if let pidDescriptor {
                try await EventPoller.shared.ready(pidDescriptor.rawValue, until: deadline, cancellable: false)
            } else {
                // No pidfd (Linux before 5.3): look again after a pause that grows to 50 ms.
                let wake = Deadline(nanoseconds: Deadline.now.nanoseconds &+ pause)
                try await EventPoller.shared.sleep(until: deadline.map { Swift.min($0, wake) } ?? wake, cancellable: false)
                pause = Swift.min(pause * 2, 50_000_000)
            }
        }
    }
}
#endif
