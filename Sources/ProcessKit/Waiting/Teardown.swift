/// How to stop a child that should end: signals and waits in order, stopping as soon as it has exited,
/// and SIGKILL after the last step if it is still there. A sequence may start with a wait, to give the
/// child a moment to end by itself (after its input was closed, say).
///
/// ```swift
/// let status = try child.tearDown(Teardown([.signal(.terminate), .wait(.seconds(5))]))  // TERM, 5 s, KILL
/// let result = try command.run(timeout: .seconds(30), teardown: .standard)
/// ```
public struct Teardown: Equatable, Sendable {
    /// One step: send a signal, or wait (at most this long) for the child to exit.
    public enum Step: Equatable, Sendable {
        /// Sends the signal (a child already gone is no error).
        case signal(Signal)
        /// Waits up to this long for the child to exit; the teardown ends early when it does.
        case wait(Duration)
    }

    /// The steps before the final SIGKILL.
    public var steps: [Step]
    /// Send each signal to the child's whole process group (the child must lead one, see
    /// ``Command/processGroup``), so the processes it started stop too.
    public var signalsProcessGroup: Bool

    /// The teardown that takes `steps`, then sends SIGKILL; to the child's process group with `signalsProcessGroup`.
    public init(_ steps: [Step], signalsProcessGroup: Bool = false) {
        self.steps = steps
        self.signalsProcessGroup = signalsProcessGroup
    }

    /// SIGTERM, up to 5 seconds to exit, then SIGKILL.
    public static let standard = Teardown([.signal(.terminate), .wait(.seconds(5))])

    /// SIGKILL at once.
    public static let kill = Teardown([])
}
