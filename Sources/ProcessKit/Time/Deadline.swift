import CProcessKit

/// A point in time on the monotonic clock (which does not jump with the wall clock).
public struct Deadline: Comparable, Hashable, Sendable {
    /// Nanoseconds since an arbitrary start (boot).
    public let nanoseconds: Int64

    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// The monotonic clock's reading at this moment.
    public static var now: Deadline { Deadline(nanoseconds: pk_monotonic_ns()) }

    /// `seconds` from now; fractions allowed.
    public static func after(seconds: Double) -> Deadline { after(seconds: seconds, from: now) }

    /// `seconds` after `start` (fractions allowed), for code that plans from one reading of the clock;
    /// held to 0 through a billion seconds, so that no setting can overflow the clock.
    public static func after(seconds: Double, from start: Deadline) -> Deadline {
        Deadline(nanoseconds: start.nanoseconds + Int64(max(0, min(seconds, 1e9)) * 1e9))
    }

    /// Seconds from now until this deadline (negative once it has passed).
    public var secondsRemaining: Double { Double(nanoseconds - Deadline.now.nanoseconds) / 1_000_000_000 }

    public var hasPassed: Bool { Deadline.now >= self }

    /// Milliseconds left for poll or epoll_wait: rounded up, so a wait never ends just before the
    /// deadline, and 0 once it has passed.
    package var millisecondsRemaining: Int32 { Int32(clamping: max(0, (nanoseconds - Deadline.now.nanoseconds + 999_999) / 1_000_000)) }

    public static func < (lhs: Deadline, rhs: Deadline) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    /// Sleeps until this deadline (returns at once if it has passed). Signals that arrive meanwhile
    /// stay pending; for an init that must not spin when waiting for them has failed.
    public func sleep() {
        _ = try? retryingOnInterrupt {
            let remaining = max(0, nanoseconds - Deadline.now.nanoseconds)
            var request = timespec(tv_sec: Int(remaining / 1_000_000_000), tv_nsec: Int(remaining % 1_000_000_000))
            return nanosleep(&request, nil)
        }
    }
}
