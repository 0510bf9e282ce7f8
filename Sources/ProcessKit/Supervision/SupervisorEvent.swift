/// One thing an init-style supervisor acts on, as ``SupervisorEvents/next(until:untilNoChildren:orphan:)``
/// hands them out: its loop is a `switch` over these.
public enum SupervisorEvent: Equatable {
    /// A child started with ``SupervisorEvents/start(_:)`` has ended and been reaped. A child that
    /// could not run its program ends here too, as a shell has it: 127 (not found), 126 (not
    /// executable), 1 (an earlier step failed; pid 0 when not even a child was created).
    case childEnded(pid: Int32, status: WaitStatus)
    /// A signal for the supervisor to act on: never SIGCHLD (it means reaping, done already), never
    /// one this process raised itself (the SIGPIPE of a log line written to a closed pipe).
    case signal(ReceivedSignal)
    /// The deadline passed first.
    case deadline
    /// The caller asked to hear it: it has no child left, running or a zombie.
    case noChildrenLeft
    /// Waiting for signals failed; whether to carry on is the caller's decision.
    case waitFailed(Errno)
}
