/// What ``Pipeline/run(input:timeout:teardown:readingUntil:)-47x1z`` saw: every command's status, the last command's
/// captured standard output and the captured standard error of them all.
public struct PipelineResult: Equatable, Sendable {
    /// How each command ended, in pipeline order.
    public let statuses: [WaitStatus]
    /// The last command's captured standard output.
    public let standardOutput: [UInt8]
    /// The captured standard error of every command, interleaved as they wrote it.
    public let standardError: [UInt8]
    /// True when standard output passed its capture limit (the rest was read and dropped).
    public let standardOutputTruncated: Bool
    /// True when standard error passed its capture limit.
    public let standardErrorTruncated: Bool
    /// True when the timeout passed and the commands still running were stopped with the teardown.
    public let timedOut: Bool

    /// The last command's status, what a shell reports for the pipeline.
    public var status: WaitStatus? { statuses.last }
    /// The first command that did not exit with 0, what `set -o pipefail` reports; nil when all did.
    public var firstFailure: (index: Int, status: WaitStatus)? {
        statuses.firstIndex { $0 != .exited(code: 0) }.map { ($0, statuses[$0]) }
    }
    /// True when every command exited with status 0.
    public var succeeded: Bool { firstFailure == nil }
    /// ``standardOutput`` as text (bytes that are not UTF-8 read as U+FFFD).
    public var standardOutputText: String { String(decoding: standardOutput, as: UTF8.self) }
    /// ``standardError`` as text (bytes that are not UTF-8 read as U+FFFD).
    public var standardErrorText: String { String(decoding: standardError, as: UTF8.self) }
}
