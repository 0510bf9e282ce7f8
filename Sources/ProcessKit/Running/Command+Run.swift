extension Command {
    /// Runs the program to its end: feeds it `input` (or what ``standardInput`` says, `/dev/null` when
    /// neither is set), captures its standard output and error (unless they are set to go elsewhere)
    /// and returns them with its status. Past `timeout` the child, if it still runs, is stopped
    /// with `teardown` and the result says ``RunResult/timedOut``. A ``StandardOutput/pipe`` is
    /// captured here (nobody else could read it), and a ``StandardInput/pipe`` is closed at once
    /// (nobody else could write it).
    ///
    /// With a timeout it returns within the timeout plus the teardown's waits (and the moments the
    /// signals take), whatever the child's descendants do with its pipes; `readingUntil` says whether
    /// output is read to its end or only until the child has exited (see ``OutputEnd``).
    public func run(
        input: [UInt8]? = nil, timeout: Duration? = nil, teardown: Teardown = .standard,
        readingUntil outputEnd: OutputEnd = .endOfFile
    ) throws(SpawnError) -> RunResult {
        try startForRun(input: input).collect(
            until: timeout.map { Deadline.after($0) }, teardown: teardown, readingUntil: outputEnd)
    }

    /// ``run(input:timeout:teardown:readingUntil:)`` with the input as UTF-8 text.
    public func run(
        input: String, timeout: Duration? = nil, teardown: Teardown = .standard,
        readingUntil outputEnd: OutputEnd = .endOfFile
    ) throws(SpawnError) -> RunResult {
        try run(input: Array(input.utf8), timeout: timeout, teardown: teardown, readingUntil: outputEnd)
    }

    /// Starts the child as the sync and the async `run` both want it: `input`, else the standard input
    /// setting (no bytes for a pipe, `/dev/null` when unset); both outputs captured unless set otherwise.
    func startForRun(input: [UInt8]?) throws(SpawnError) -> ChildProcess {
        try start(
            input: Command.forRun(input.map { .bytes($0) } ?? standardInput ?? .null),
            output: Command.forRun(standardOutput), error: Command.forRun(standardError))
    }

    /// A standard input setting as a run uses it: a pipe gets no bytes.
    static func forRun(_ input: StandardInput) -> StandardInput { input == .pipe ? .bytes([]) : input }

    /// An output setting as a run uses it: unset or a pipe is captured.
    static func forRun(_ output: StandardOutput?) -> StandardOutput {
        guard let output, output != .pipe else { return .capture() }
        return output
    }
}
