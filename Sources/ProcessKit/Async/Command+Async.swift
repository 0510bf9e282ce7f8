#if !hasFeature(Embedded)

extension Command {
    /// ``run(input:timeout:teardown:)`` from async code: the same result, but feeding the input,
    /// reading both outputs and waiting for the child all suspend the task on ProcessKit's poller
    /// thread instead of blocking a thread of the cooperative pool, so a thousand runs at once use a
    /// handful of threads.
    ///
    /// Past `timeout` seconds, or when the task is cancelled, the child is stopped with `teardown`
    /// (SIGTERM, up to 5 s, SIGKILL by default) and reaped. A timeout returns the result with
    /// ``RunResult/timedOut``; a cancellation throws `CancellationError` once the child is gone.
    ///
    /// ```swift
    /// let result = try await Command("git", arguments: ["--version"]).run()
    /// print(result.standardOutputText)
    /// ```
    public func run(input: [UInt8]? = nil, timeout: Double? = nil, teardown: Teardown = .standard) async throws -> RunResult {
        try await startForRun(input: input).collect(timeout: timeout, teardown: teardown)
    }

    /// The async ``run(input:timeout:teardown:)`` with the input as UTF-8 text.
    public func run(input: String, timeout: Double? = nil, teardown: Teardown = .standard) async throws -> RunResult {
        try await run(input: Array(input.utf8), timeout: timeout, teardown: teardown)
    }
}

extension ChildProcess {
    /// ``collect(until:teardown:)`` from async code (see ``Command/run(input:timeout:teardown:)-3ud5w``).
    public func collect(timeout: Double? = nil, teardown: Teardown = .standard) async throws -> RunResult {
        let prepared = takePreparedRun()
        return prepared.runResult(try await AsyncStreamPump.run(prepared, timeout: timeout, teardown: teardown))
    }
}

extension FileDescriptor {
    /// What this fd delivers from now on, as an `AsyncSequence` of byte chunks (see ``AsyncByteChunks``).
    public var chunks: AsyncByteChunks { AsyncByteChunks(reading: rawValue) }

    /// What this fd delivers from now on, as an `AsyncSequence` of lines (see ``AsyncByteChunks/lines``).
    public var lines: AsyncLines { chunks.lines }
}
#endif
