/// The health check rules, kept apart from processes and clocks so they can be tested alone: counts
/// failed checks in a row, ignores those in the start period, and says when the child is unhealthy.
/// One policy covers one run of the child: a restarted child starts again with a fresh one.
///
/// Like Docker's HEALTHCHECK: a failure within `startPeriod` of the start does not count,
/// and a check that passes ends the start period at once (from then on every failure counts).
struct HealthCheckPolicy {
    /// Failures in a row that make the child unhealthy.
    let retries: Int32
    /// The time after the start in which failures do not count.
    let startPeriod: Duration
    /// Failures counted since the last check that passed: the K in "health check failed (K/N)".
    private(set) var failures: Int32 = 0
    /// True once a check passed, which ends the start period early.
    private(set) var hasPassed = false

    enum Verdict: Equatable {
        /// The check passed; the count of failures starts again from 0.
        case healthy
        /// The check failed within the start period and does not count.
        case ignoredInStartPeriod
        /// The check failed: `count` failures in a row, fewer than the retries.
        case failed(count: Int32)
        /// The check failed for the `retries`-th time in a row: restart the child.
        case unhealthy(count: Int32)
    }

    /// Counts a check that ended `sinceStart` after the child started.
    mutating func record(passed: Bool, sinceStart: Duration) -> Verdict {
        if passed {
            failures = 0
            hasPassed = true
            return .healthy
        }
        if !hasPassed && sinceStart < startPeriod { return .ignoredInStartPeriod }
        failures += 1
        return failures >= retries ? .unhealthy(count: failures) : .failed(count: failures)
    }
}
