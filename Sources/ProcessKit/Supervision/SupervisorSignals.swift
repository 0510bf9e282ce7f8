/// The signal set-up an init-style supervisor (swinit, rebound) needs, in one place: it waits for
/// every catchable signal instead of handling them, and gives each child it starts the signal mask
/// and ignored dispositions the supervisor itself was started with. Like its ``SignalWaiter``, it
/// belongs to the thread that made it (not `Sendable`).
///
/// ```swift
/// let signals = try SupervisorSignals()
/// var command = Command("server")
/// signals.prepare(&command)
/// let child = try command.spawn()
/// while let received = try signals.waiter.wait() { ... }
/// ```
public struct SupervisorSignals {
    /// Signals the supervisor takes with ``waiter``: faults stay unblocked so a bug crashes rather than hangs.
    public static let waitedFor = SignalSet.catchable.subtracting(.synchronousFaults)
    /// Signals meant for the child: everything waited for but SIGCHLD, which is the supervisor's own.
    public static let forwarded = waitedFor.subtracting([.child])
    /// Ignored by the supervisor so that terminal job control never stops it.
    public static let terminalSignals: SignalSet = [.terminalInput, .terminalOutput]

    /// Takes the waited-for signals; its ``SignalWaiter/previousMask`` is the caller's original mask.
    public let waiter: SignalWaiter
    /// The signals the caller had left ignored when the supervisor started.
    public let inheritedIgnored: SignalSet

    /// Blocks ``waitedFor`` and ignores ``terminalSignals``. Signals the caller left ignored would be
    /// discarded before they could be taken, so they are reset to their default action first (and
    /// handed back to children as ignored by ``prepare(_:)``).
    public init() throws(Errno) {
        inheritedIgnored = SignalSet.currentlyIgnored()
        for signal in inheritedIgnored.intersection(SupervisorSignals.waitedFor).subtracting(SupervisorSignals.terminalSignals) {
            try signal.setDisposition(.default)
        }
        waiter = try SignalWaiter(blocking: SupervisorSignals.waitedFor)
        for signal in SupervisorSignals.terminalSignals { try signal.setDisposition(.ignore) }
    }

    /// Makes `command` start with the caller's original signal mask and ignored signals, and with
    /// the terminal signals at their default action unless the caller ignored them.
    public func prepare(_ command: inout Command) {
        command.signalMask = .exactly(waiter.previousMask)
        command.ignoredSignals = .exactly(inheritedIgnored.intersection(SupervisorSignals.waitedFor))
        command.defaultSignals = SupervisorSignals.terminalSignals.subtracting(inheritedIgnored)
    }
}
