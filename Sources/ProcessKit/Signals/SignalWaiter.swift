import CProcessKit

/// Waits for signals synchronously, with no handler and no polling: the signals stay blocked and
/// the thread sleeps in `sigtimedwait` until one is pending or the deadline passes.
///
/// ```swift
/// let waiter = try SignalWaiter(blocking: .catchable.subtracting(.synchronousFaults))
/// while let received = try waiter.wait(until: .after(.seconds(5))) { ... }
/// ```
///
/// Not `Sendable`: the signals are blocked in the thread that made it, and only a wait in that thread
/// takes them (in another, they would stay pending, or be delivered to whichever thread has them
/// unblocked).
public struct SignalWaiter {
    /// The signals this waiter blocked and takes.
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
        var sender: Int32 = 0, code: Int32 = 0, value: Int32 = 0
        do {
            let number = try retryingOnInterrupt {
                pk_wait_for_signal(
                    &set, deadline.map { max(0, $0.nanoseconds - Deadline.now.nanoseconds) } ?? -1, &sender, &code, &value)
            }
            return ReceivedSignal(signal: Signal(number), senderPID: sender, code: code, value: value)
        } catch  where error == .tryAgain {
            return nil
        }
    }
}

@available(*, unavailable, message: "a SignalWaiter waits for signals blocked in the thread that made it")
extension SignalWaiter: Sendable {}
