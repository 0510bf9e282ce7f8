#if !hasFeature(Embedded)
extension ChildProcess {
    /// Waits for it to exit, reaps it and returns how it ended, without holding a thread: the task
    /// sleeps on ProcessKit's poller thread, woken by the child's pidfd.
    ///
    /// Cancelling the task stops the child with `teardown` (SIGTERM, up to 5 s, SIGKILL by default),
    /// waits until it is gone, and then throws `CancellationError`: no child outlives the task.
    public func wait(onCancel teardown: Teardown = .standard) async throws -> WaitStatus {
        var watch = ExitWatch([self], deadline: nil, teardown: teardown)
        if try await watch.run(onCancel: { $0.stopNow() }) { throw CancellationError() }
        return watch.statuses[0]!
    }

    /// Stops it with `teardown`'s steps, ending early once it has exited, and SIGKILL after the last;
    /// returns how it ended. The waits between steps suspend the task instead of blocking a thread,
    /// and cancelling the task does not cut the sequence short: it always ends with the child reaped.
    @discardableResult
    public func tearDown(_ teardown: Teardown = .standard) async throws -> WaitStatus {
        var watch = ExitWatch.tearingDown([self], with: teardown)
        _ = try await watch.run(onCancel: nil)
        return watch.statuses[0]!
    }

    /// ``collect(until:teardown:readingUntil:)`` from async code (see
    /// ``Command/run(input:timeout:teardown:readingUntil:)-5yi5g``).
    public func collect(
        timeout: Duration? = nil, teardown: Teardown = .standard,
        readingUntil outputEnd: OutputEnd = .endOfFile
    ) async throws -> RunResult {
        let prepared = takePreparedRun()
        return prepared.runResult(try await RunExchange.run(prepared, timeout: timeout, teardown: teardown, outputEnd: outputEnd))
    }
}
#endif
