#if !hasFeature(Embedded)
extension Stepper {
    /// Runs the machine to its end on the event poller, without holding a thread. When the task is
    /// cancelled, `cancel` is applied once (nil: cancellation is ignored) and the steps go on to their
    /// end, which always has every child reaped. Returns whether the task was cancelled meanwhile.
    mutating func run(onCancel cancel: ((inout Self) -> Void)?) async throws -> Bool {
        var cancelled = false
        while let readiness = try step() {
            do {
                try await EventPoller.shared.ready(readiness, cancellable: cancel != nil && !cancelled)
            } catch is CancellationError {
                cancelled = true
                cancel?(&self)
            }
        }
        return cancelled
    }
}

extension RunExchange {
    /// Runs `prepared` to its end from async code. On an error the children are killed and reaped
    /// before it is thrown, and every pipe end is closed; a cancelled task gets `CancellationError`
    /// once the children are gone.
    static func run(
        _ prepared: PreparedRun, timeout: Duration?, teardown: Teardown, outputEnd: OutputEnd
    ) async throws -> PreparedRun.Outcome {
        var exchange = RunExchange(
            prepared, deadline: timeout.map { Deadline.after($0) }, teardown: teardown, outputEnd: outputEnd)
        do {
            try exchange.start()
            if try await exchange.run(onCancel: { $0.cancel() }) {
                _ = exchange.finish()
                throw CancellationError()
            }
        } catch let error as Errno {
            throw exchange.fail(error)
        }
        return exchange.finish()
    }
}
#endif
