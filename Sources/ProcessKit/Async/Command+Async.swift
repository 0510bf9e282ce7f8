#if !hasFeature(Embedded)

extension Command {
    /// ``run(input:timeout:teardown:readingUntil:)`` from async code: the same result, but feeding the input,
    /// reading both outputs and waiting for the child all suspend the task on ProcessKit's poller
    /// thread instead of blocking a thread of the cooperative pool, so a thousand runs at once use a
    /// handful of threads.
    ///
    /// Past `timeout`, or when the task is cancelled, the child is stopped with `teardown`
    /// (SIGTERM, up to 5 s, SIGKILL by default) and reaped. A timeout returns the result with
    /// ``RunResult/timedOut``; a cancellation throws `CancellationError` once the child is gone. The
    /// bounds are those of the synchronous form: the same engine runs both.
    ///
    /// ```swift
    /// let result = try await Command("git", arguments: ["--version"]).run()
    /// print(result.standardOutputText)
    /// ```
    public func run(
        input: [UInt8]? = nil, timeout: Duration? = nil, teardown: Teardown = .standard,
        readingUntil outputEnd: OutputEnd = .endOfFile
    ) async throws -> RunResult {
        try await startForRun(input: input).collect(timeout: timeout, teardown: teardown, readingUntil: outputEnd)
    }

    /// The async ``run(input:timeout:teardown:readingUntil:)`` with the input as UTF-8 text.
    public func run(
        input: String, timeout: Duration? = nil, teardown: Teardown = .standard,
        readingUntil outputEnd: OutputEnd = .endOfFile
    ) async throws -> RunResult {
        try await run(input: Array(input.utf8), timeout: timeout, teardown: teardown, readingUntil: outputEnd)
    }
}

extension Command {
    /// The scoped ``run(teardown:_:)`` from async code: whether `body` returns, throws or its task
    /// is cancelled, the child is stopped with `teardown` if it still runs and reaped before this
    /// returns (cancellation does not cut that short).
    public func run<Value>(
        teardown: Teardown = .standard, isolation: isolated (any Actor)? = #isolation,
        _ body: (ChildProcess) async throws -> Value
    ) async throws -> Value {
        let child = try spawn()
        let outcome: Result<Value, any Error>
        do { outcome = .success(try await body(child)) } catch { outcome = .failure(error) }
        _ = try? await child.tearDown(teardown)
        return try outcome.get()
    }
}

extension FileDescriptor {
    /// What this fd delivers from now on, as an `AsyncSequence` of byte chunks (see ``AsyncByteChunks``).
    public var chunks: AsyncByteChunks { AsyncByteChunks(reading: rawValue) }

    /// What this fd delivers from now on, as an `AsyncSequence` of lines (see ``AsyncByteChunks/lines``).
    public var lines: AsyncLines { chunks.lines }
}
#endif
