import CProcessKit

/// A point in time on the monotonic clock (which does not jump with the wall clock).
public struct Deadline: Comparable, Hashable, Sendable {
    /// Nanoseconds since an arbitrary start (boot).
    public let nanoseconds: Int64

    /// The point `nanoseconds` after the monotonic clock's start, as ``nanoseconds`` reads it.
    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// The monotonic clock's reading at this moment.
    public static var now: Deadline { Deadline(nanoseconds: clockNanoseconds(CLOCK_MONOTONIC)) }

    /// A clock's reading in nanoseconds: CLOCK_MONOTONIC for deadlines, CLOCK_REALTIME (since the Unix
    /// epoch, and liable to jump) for times shown to people and other programs. Out of line: inlined
    /// into every use of ``now``, it grows the static binaries.
    @inline(never)
    package static func clockNanoseconds(_ clock: clockid_t) -> Int64 {
        var time = timespec()
        clock_gettime(clock, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }

    /// `duration` from now: `Deadline.after(.seconds(5))`, `.after(.milliseconds(300))`.
    public static func after(_ duration: Duration) -> Deadline { after(duration, from: now) }

    /// `duration` after `start`, for code that plans from one reading of the clock. A negative
    /// duration counts as none and one past a billion seconds as a billion seconds, and the sum is held
    /// to the last representable time, so that no setting and no `start` a caller passes can overflow.
    public static func after(_ duration: Duration, from start: Deadline) -> Deadline {
        let (sum, overflowed) = start.nanoseconds.addingReportingOverflow(duration.clampedNanoseconds)
        return Deadline(nanoseconds: overflowed ? .max : sum)
    }

    /// The time from now until this deadline; negative once it has passed.
    public var remaining: Duration { .nanoseconds(nanoseconds &- Deadline.now.nanoseconds) }

    /// The time since this point (negative before it): how long something that started when
    /// `started` was read has taken, `started.elapsed`.
    public var elapsed: Duration { .nanoseconds(Deadline.now.nanoseconds &- nanoseconds) }

    /// True once the monotonic clock has reached this point.
    public var hasPassed: Bool { Deadline.now >= self }

    /// Milliseconds left for poll or epoll_wait: rounded up, so a wait never ends just before the
    /// deadline, and 0 once it has passed.
    package var millisecondsRemaining: Int32 {
        Int32(clamping: max(0, (nanoseconds - Deadline.now.nanoseconds + 999_999) / 1_000_000))
    }

    /// Whether `lhs` comes before `rhs`.
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
