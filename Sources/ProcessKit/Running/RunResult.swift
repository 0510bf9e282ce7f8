/// What ``Command/run(input:timeout:teardown:readingUntil:)-1yk49`` saw: how the child ended and what it wrote to the
/// streams that were captured (empty for streams that went elsewhere).
public struct RunResult: Equatable, Sendable {
    /// How the child ended.
    public let status: WaitStatus
    /// Its captured standard output (and standard error too, when that was merged into it).
    public let standardOutput: [UInt8]
    /// Its captured standard error; empty when it was merged into standard output or not captured.
    public let standardError: [UInt8]
    /// True when standard output passed its capture limit: ``standardOutput`` holds the first `limit`
    /// bytes, the rest was read and dropped.
    public let standardOutputTruncated: Bool
    /// True when standard error passed its capture limit.
    public let standardErrorTruncated: Bool
    /// True when the timeout passed and the child was stopped with the teardown sequence.
    public let timedOut: Bool

    /// The memberwise form, for tools that assemble results of their own (tests, fakes).
    public init(
        status: WaitStatus, standardOutput: [UInt8] = [], standardError: [UInt8] = [],
        standardOutputTruncated: Bool = false, standardErrorTruncated: Bool = false, timedOut: Bool = false
    ) {
        self.status = status
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.standardOutputTruncated = standardOutputTruncated
        self.standardErrorTruncated = standardErrorTruncated
        self.timedOut = timedOut
    }

    /// ``standardOutput`` as text (bytes that are not UTF-8 read as U+FFFD).
    public var standardOutputText: String { String(decoding: standardOutput, as: UTF8.self) }
    /// ``standardError`` as text (bytes that are not UTF-8 read as U+FFFD).
    public var standardErrorText: String { String(decoding: standardError, as: UTF8.self) }
    /// True when it exited with status 0.
    public var succeeded: Bool { status == .exited(code: 0) }
}
