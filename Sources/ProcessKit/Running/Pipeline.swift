/// Commands connected like a shell's `a | b | c`: each one's standard output is the next one's standard
/// input. The first reads what its ``Command/standardInput`` says (or the input given to ``run(input:timeout:teardown:readingUntil:)-47x1z``),
/// the last writes where its ``Command/standardOutput`` says.
///
/// ```swift
/// let result = try (Command("printf", arguments: ["b\\na\\n"]) | Command("sort") | Command("head", arguments: ["-1"])).run()
/// result.standardOutputText   // "a\n"
/// result.statuses             // one per command, in order
/// ```
public struct Pipeline: Sendable {
    /// The commands, first to last.
    public var commands: [Command]

    /// A pipeline of these commands (at least one).
    public init(_ commands: [Command]) { self.commands = commands }

    /// Starts every command, connected by pipes, with the standard streams of the ends as set
    /// (inherited where nil). If one cannot start, those already started are killed and reaped and
    /// its error is thrown.
    public func spawn() throws(SpawnError) -> [ChildProcess] {
        guard let first = commands.first, let last = commands.last else { return [] }
        return try start(
            input: first.standardInput ?? .inherit, output: last.standardOutput ?? .inherit,
            error: { $0.standardError ?? .inherit })
    }

    /// Runs the pipeline to its end: feeds `input` to the first command (or what its ``Command/standardInput``
    /// says, `/dev/null` when neither is set), captures the last one's standard output and the standard
    /// error of every command that does not send it elsewhere (all into one stream, as a terminal
    /// would show them), and returns them with every command's status. Past `timeout` every
    /// command still running is stopped with `teardown`; the bounds and `readingUntil` are those of
    /// ``Command/run(input:timeout:teardown:readingUntil:)-1yk49``.
    public func run(
        input: [UInt8]? = nil, timeout: Duration? = nil, teardown: Teardown = .standard,
        readingUntil outputEnd: OutputEnd = .endOfFile
    ) throws(SpawnError) -> PipelineResult {
        guard let prepared = try startForRun(input: input) else { return PreparedRun.noCommands }
        let deadline = timeout.map { Deadline.after($0) }
        return prepared.pipelineResult(
            try RunExchange.run(prepared, deadline: deadline, teardown: teardown, outputEnd: outputEnd))
    }

    /// Starts the commands as ``run(input:timeout:teardown:readingUntil:)`` wants them; nil for no commands.
    func startForRun(input: [UInt8]?) throws(SpawnError) -> PreparedRun? {
        guard let first = commands.first, let last = commands.last else { return nil }
        // One pipe for every standard error that is captured; this process keeps only its read end.
        let errors = try Pipeline.pipe(.standardError, of: first.program)
        defer { try? errors.writeEnd.close() }
        var errorLimit = StandardOutput.defaultCaptureLimit
        let children: [ChildProcess]
        do throws(SpawnError) {
            children = try start(
                input: Command.forRun(input.map { .bytes($0) } ?? first.standardInput ?? .null),
                output: Command.forRun(last.standardOutput)
            ) { command in
                let setting = Command.forRun(command.standardError)
                if case .capture(let limit) = setting {
                    errorLimit = limit
                    return .fileDescriptor(errors.writeEnd)
                }
                return setting
            }
        } catch {
            try? errors.readEnd.close()
            throw error
        }
        return PreparedRun(
            children: children, output: children[children.count - 1].takeCapturedOutput(),
            error: (errors.readEnd, errorLimit))
    }

    /// ``run(input:timeout:teardown:readingUntil:)`` with the input as UTF-8 text.
    public func run(
        input: String, timeout: Duration? = nil, teardown: Teardown = .standard,
        readingUntil outputEnd: OutputEnd = .endOfFile
    ) throws(SpawnError) -> PipelineResult {
        try run(input: Array(input.utf8), timeout: timeout, teardown: teardown, readingUntil: outputEnd)
    }

    /// Starts the commands with pipes between them, the first reading `input`, the last writing to
    /// `output`, each one's standard error where `error` says.
    func start(
        input: StandardInput, output: StandardOutput,
        error: (Command) -> StandardOutput
    ) throws(SpawnError) -> [ChildProcess] {
        var children: [ChildProcess] = []
        var previousReadEnd: FileDescriptor?
        defer { try? previousReadEnd?.close() }
        do throws(SpawnError) {
            for (index, command) in commands.enumerated() {
                let isLast = index == commands.count - 1
                let next = try isLast ? nil : Pipeline.pipe(.standardOutput, of: command.program)
                defer { try? next?.writeEnd.close() }
                let child = try command.start(
                    input: previousReadEnd.map { .fileDescriptor($0) } ?? input,
                    output: next.map { .fileDescriptor($0.writeEnd) } ?? output,
                    error: error(command))
                children.append(child)
                try? previousReadEnd?.close()
                previousReadEnd = next?.readEnd
            }
        } catch {
            for child in children { _ = try? child.tearDown(.kill) }
            throw error
        }
        return children
    }

    /// A new pipe for `program`'s standard output or error (`stream`), or the error naming that stream.
    private static func pipe(
        _ stream: SpawnError.Step, of program: String
    ) throws(SpawnError)
        -> (readEnd: FileDescriptor, writeEnd: FileDescriptor)
    {
        do { return try FileDescriptor.pipe() } catch {
            throw SpawnError(
                program: program, step: stream, errno: error, detail: stream.failure + ": pipe failed: " + error.description)
        }
    }
}

extension Command {
    /// A pipeline of two commands, `lhs`'s standard output into `rhs`'s standard input.
    public static func | (lhs: Command, rhs: Command) -> Pipeline { Pipeline([lhs, rhs]) }

    /// `lhs` with `rhs` added at its end.
    public static func | (lhs: Pipeline, rhs: Command) -> Pipeline { Pipeline(lhs.commands + [rhs]) }
}
