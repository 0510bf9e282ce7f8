/// A run whose children have started, for the ``RunExchange`` in either form:
/// the input end to feed with the bytes for it, and the captured streams (standard output first,
/// standard error last), with how what the pump saw becomes the result.
struct PreparedRun {
    let children: [ChildProcess]
    let input: FileDescriptor?
    let inputBytes: [UInt8]
    let outputs: [(fd: FileDescriptor, limit: Int)]
    let capturesOutput: Bool, capturesError: Bool

    /// What a pump saw: each child's status, each output's bytes, and whether the timeout passed.
    struct Outcome {
        var statuses: [WaitStatus]
        var outputs: [(bytes: [UInt8], truncated: Bool)]
        var timedOut: Bool
    }

    /// Takes over the first child's input end when it has bytes to feed; `output` and `error` are the
    /// captured streams' read ends with their limits.
    init(children: [ChildProcess], output: (fd: FileDescriptor, limit: Int)?, error: (fd: FileDescriptor, limit: Int)?) {
        self.children = children
        input = children[0].pendingInput == nil ? nil : children[0].takeStandardInput()
        inputBytes = children[0].pendingInput ?? []
        outputs = [output, error].compactMap { $0 }
        capturesOutput = output != nil
        capturesError = error != nil
    }

    /// The result of a pipeline of no commands.
    static let noCommands = PipelineResult(
        statuses: [], standardOutput: [], standardError: [], standardOutputTruncated: false,
        standardErrorTruncated: false, timedOut: false)

    /// One child's result.
    func runResult(_ outcome: Outcome) -> RunResult {
        let (output, error) = streams(outcome.outputs)
        return RunResult(
            status: outcome.statuses[0], standardOutput: output.bytes, standardError: error.bytes,
            standardOutputTruncated: output.truncated, standardErrorTruncated: error.truncated, timedOut: outcome.timedOut)
    }

    /// A pipeline's result.
    func pipelineResult(_ outcome: Outcome) -> PipelineResult {
        let (output, error) = streams(outcome.outputs)
        return PipelineResult(
            statuses: outcome.statuses, standardOutput: output.bytes, standardError: error.bytes,
            standardOutputTruncated: output.truncated, standardErrorTruncated: error.truncated, timedOut: outcome.timedOut)
    }

    /// Standard output and standard error as read, empty for a stream that was not captured.
    private func streams(
        _ collected: [(bytes: [UInt8], truncated: Bool)]
    )
        -> (output: (bytes: [UInt8], truncated: Bool), error: (bytes: [UInt8], truncated: Bool))
    {
        (capturesOutput ? collected[0] : ([], false), capturesError ? collected[collected.count - 1] : ([], false))
    }
}
