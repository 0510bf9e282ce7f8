/// A signal taken from the pending set, with who sent it.
public struct ReceivedSignal: Equatable, Sendable {
    /// The signal that was pending.
    public let signal: Signal
    /// The sender's pid (for SIGCHLD: the child's), 0 when the kernel sent it.
    public let senderPID: Int32
    /// The C `si_code`: SI_USER (0) for kill(), SI_QUEUE (-1) for sigqueue(), > 0 from the kernel.
    public let code: Int32
    /// The integer a sigqueue() sender attached.
    public let value: Int32
}
