/// A child that `waitpid` collected: its pid and how it ended.
public struct ReapedChild: Equatable, Sendable {
    /// Its pid, free for reuse now.
    public let pid: Int32
    /// The raw wait status, decoded only when ``status`` is read: an init that reaps thousands of orphans
    /// and looks at nothing but their pids skips the decoding.
    let rawStatus: Int32

    /// How it ended: exit code or signal.
    public var status: WaitStatus { WaitStatus(rawValue: rawStatus) }
}
