/// A delay that doubles each time it is taken, up to a cap, and starts over on ``reset()``: how a
/// supervisor spaces out restarts of a program stuck in a crash loop.
///
/// ```swift
/// var backoff = ExponentialBackoff(initial: .seconds(1), maximum: .seconds(30))
/// backoff.take()   // 1 s, then 2, 4, 8, 16, 30, 30 ...
/// backoff.reset()  // the program stayed up: next take() is 1 s again
/// ```
public struct ExponentialBackoff: Equatable, Sendable {
    /// The first delay.
    public let initial: Duration
    /// The cap; no delay is ever longer.
    public let maximum: Duration
    /// The delay the next ``take()`` returns.
    public private(set) var next: Duration

    /// A backoff starting at `initial` and capped at `maximum` (which wins if it is smaller).
    public init(initial: Duration, maximum: Duration) {
        self.initial = initial
        self.maximum = maximum
        next = min(initial, maximum)
    }

    /// Returns the current delay and doubles it for next time.
    public mutating func take() -> Duration {
        let delay = next
        // Never past the cap, so doubling cannot overflow; added, not multiplied or halved, because
        // 128-bit division needs a compiler-rt routine that the static binaries do not link.
        next = next > maximum - next ? maximum : next + next
        return delay
    }

    /// Back to the initial delay.
    public mutating func reset() { next = min(initial, maximum) }
}
