extension ChildProcess {
    /// Feeds the input its ``StandardInput/bytes(_:)`` setting holds, reads its captured streams
    /// (``StandardOutput/capture(limit:)``) and waits for it, all at once so that no full pipe can
    /// deadlock the exchange. Past `deadline` it is stopped with `teardown` if it still runs. Output
    /// is read after it exited as `readingUntil` says (``OutputEnd``), and never past the deadline.
    ///
    /// Takes over the pipe ends it reads and writes. On a failure the child is killed and reaped
    /// before the error is thrown.
    public func collect(
        until deadline: Deadline? = nil, teardown: Teardown = .standard,
        readingUntil outputEnd: OutputEnd = .endOfFile
    ) throws(SpawnError) -> RunResult {
        let prepared = takePreparedRun()
        return prepared.runResult(try RunExchange.run(prepared, deadline: deadline, teardown: teardown, outputEnd: outputEnd))
    }

    /// Takes over the pipe ends a collect feeds and reads, for the sync and the async one alike.
    func takePreparedRun() -> PreparedRun {
        PreparedRun(
            children: [self], output: takeCapturedOutput(),
            error: errorLimit.flatMap { limit in takeStandardError().map { ($0, limit) } })
    }

    /// Takes over the read end of its standard output with the capture's limit; nil when it is not captured.
    func takeCapturedOutput() -> (fd: FileDescriptor, limit: Int)? {
        outputLimit.flatMap { limit in takeStandardOutput().map { ($0, limit) } }
    }
}
