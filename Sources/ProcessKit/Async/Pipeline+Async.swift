#if !hasFeature(Embedded)
extension Pipeline {
    /// ``run(input:timeout:teardown:readingUntil:)`` from async code: the same result, with every wait suspending
    /// the task on ProcessKit's poller instead of blocking a thread. Past `timeout`, or when
    /// the task is cancelled, every command still running is stopped with `teardown`; a cancellation
    /// throws `CancellationError` once all are gone.
    ///
    /// ```swift
    /// let result = try await (Command("ls") | Command("wc", arguments: ["-l"])).run()
    /// ```
    public func run(
        input: [UInt8]? = nil, timeout: Duration? = nil, teardown: Teardown = .standard,
        readingUntil outputEnd: OutputEnd = .endOfFile
    ) async throws -> PipelineResult {
        guard let prepared = try startForRun(input: input) else { return PreparedRun.noCommands }
        return prepared.pipelineResult(
            try await RunExchange.run(prepared, timeout: timeout, teardown: teardown, outputEnd: outputEnd))
    }

    /// The async ``run(input:timeout:teardown:readingUntil:)`` with the input as UTF-8 text.
    public func run(
        input: String, timeout: Duration? = nil, teardown: Teardown = .standard,
        readingUntil outputEnd: OutputEnd = .endOfFile
    ) async throws -> PipelineResult {
        try await run(input: Array(input.utf8), timeout: timeout, teardown: teardown, readingUntil: outputEnd)
    }
}
#endif
