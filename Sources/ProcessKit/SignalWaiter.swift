import CProcessKit

/// A signal taken from the pending set, with who sent it.
public struct ReceivedSignal: Equatable, Sendable {
    public let signal: Signal
    /// The sender's pid (for SIGCHLD: the child's), 0 when the kernel sent it.
    public let senderPID: Int32
    /// The C `si_code`: SI_USER (0) for kill(), SI_QUEUE (-1) for sigqueue(), > 0 from the kernel.
    public let code: Int32
    /// The integer a sigqueue() sender attached.
    public let value: Int32
}

/// Waits for signals synchronously, with no handler and no polling: the signals stay blocked and
/// the thread sleeps in `sigtimedwait` until one is pending or the deadline passes.
///
/// ```swift
/// let waiter = try SignalWaiter(blocking: .catchable.subtracting(.synchronousFaults))
/// while let received = try waiter.wait(until: .after(seconds: 5)) { ... }
/// ```
///
/// Not `Sendable`: the signals are blocked in the thread that made it, and only a wait in that thread
/// takes them (in another, they would stay pending, or be delivered to whichever thread has them
/// unblocked).
public struct SignalWaiter {
    /// The signals it waits for.
    public let signals: SignalSet
    /// The signal mask before ``init(blocking:)`` blocked them.
    public let previousMask: SignalSet

    /// Blocks `signals` in the calling thread so that they wait to be taken.
    public init(blocking signals: SignalSet) throws(Errno) {
        self.signals = signals
        previousMask = try signals.block()
    }

    /// The next pending signal; nil if the deadline passed first. Without a deadline it waits as long
    /// as it takes.
    public func wait(until deadline: Deadline? = nil) throws(Errno) -> ReceivedSignal? {
        var set = signals.cValue
        while true {
            let timeout = deadline.map { max(0, $0.nanoseconds - Deadline.now.nanoseconds) } ?? -1
            var sender: Int32 = 0, code: Int32 = 0, value: Int32 = 0
            let number = pk_wait_for_signal(&set, timeout, &sender, &code, &value)
            if number > 0 {
                return ReceivedSignal(signal: Signal(number), senderPID: sender, code: code, value: value)
            }
            let error = Errno.current
            if error == .tryAgain { return nil }
            if error != .interrupted { throw error }
        }
    }
}

@available(*, unavailable, message: "a SignalWaiter waits for signals blocked in the thread that made it")
extension SignalWaiter: Sendable {}

/// A point in time on the monotonic clock (which does not jump with the wall clock).
public struct Deadline: Comparable, Hashable, Sendable {
    /// Nanoseconds since an arbitrary start (boot).
    public let nanoseconds: Int64

    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// Now.
    public static var now: Deadline { Deadline(nanoseconds: pk_monotonic_ns()) }

    /// `seconds` from now; fractions allowed.
    public static func after(seconds: Double) -> Deadline {
        Deadline(nanoseconds: now.nanoseconds + Int64(seconds * 1_000_000_000))
    }

    /// Seconds from now until this deadline (negative once it has passed).
    public var secondsRemaining: Double { Double(nanoseconds - Deadline.now.nanoseconds) / 1_000_000_000 }

    public var hasPassed: Bool { Deadline.now >= self }

    public static func < (lhs: Deadline, rhs: Deadline) -> Bool { lhs.nanoseconds < rhs.nanoseconds }
}
