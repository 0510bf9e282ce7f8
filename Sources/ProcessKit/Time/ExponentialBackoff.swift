/// A delay that doubles each time it is taken, up to a cap, and starts over on ``reset()``: how a
/// supervisor spaces out restarts of a program stuck in a crash loop.
///
/// ```swift
/// var backoff = ExponentialBackoff(initial: 1, maximum: 30)
/// backoff.take()   // 1, then 2, 4, 8, 16, 30, 30 ...
/// backoff.reset()  // the program stayed up: next take() is 1 again
/// ```
public struct ExponentialBackoff: Equatable, Sendable {
    /// The first delay, in seconds.
    public let initial: Double
    /// The cap, in seconds; no delay is ever longer.
    public let maximum: Double
    /// The delay the next ``take()`` returns.
    public private(set) var next: Double

    /// A backoff starting at `initial` seconds and capped at `maximum` (which wins if it is smaller).
    public init(initial: Double, maximum: Double) {
        self.initial = initial
        self.maximum = maximum
        next = min(initial, maximum)
    }

    /// Returns the current delay and doubles it for next time.
    public mutating func take() -> Double {
        let delay = next
        next = min(next * 2, maximum)
        return delay
    }

    /// Back to the initial delay.
    public mutating func reset() { next = min(initial, maximum) }
}
