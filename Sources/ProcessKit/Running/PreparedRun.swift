/// A run whose children have started, for the sync ``StreamPump`` and the ``AsyncStreamPump`` alike:
/// the input end to feed with the bytes for it, and the captured streams (standard output first,
/// standard error last), with how what was read from them becomes the result.
struct PreparedRun {
    let children: [ChildProcess]
    let input: FileDescriptor?
    let inputBytes: [UInt8]
    let outputs: [(fd: FileDescriptor, limit: Int)]
    let capturesOutput: Bool, capturesError: Bool

    /// The result of a pipeline of no commands.
    static let noCommands = PipelineResult(statuses: [], standardOutput: [], standardError: [], standardOutputTruncated: false,
                                           standardErrorTruncated: false, timedOut: false)

    /// One child's result, from what was read from ``outputs`` (in their order).
    func runResult(status: WaitStatus, outputs collected: [(bytes: [UInt8], truncated: Bool)], timedOut: Bool) -> RunResult {
        let (output, error) = streams(collected)
        return RunResult(status: status, standardOutput: output.bytes, standardError: error.bytes,
                         standardOutputTruncated: output.truncated, standardErrorTruncated: error.truncated, timedOut: timedOut)
    }

    /// A pipeline's result, from what was read from ``outputs`` (in their order).
    func pipelineResult(statuses: [WaitStatus], outputs collected: [(bytes: [UInt8], truncated: Bool)], timedOut: Bool) -> PipelineResult {
        let (output, error) = streams(collected)
        return PipelineResult(statuses: statuses, standardOutput: output.bytes, standardError: error.bytes,
                              standardOutputTruncated: output.truncated, standardErrorTruncated: error.truncated, timedOut: timedOut)
    }

    /// Standard output and standard error as read, empty for a stream that was not captured.
    private func streams(_ collected: [(bytes: [UInt8], truncated: Bool)])
        -> (output: (bytes: [UInt8], truncated: Bool), error: (bytes: [UInt8], truncated: Bool)) {
        (capturesOutput ? collected[0] : ([], false), capturesError ? collected[collected.count - 1] : ([], false))
    }
}
