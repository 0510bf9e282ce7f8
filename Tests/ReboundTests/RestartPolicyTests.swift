import ProcessKit
import Testing
@testable import rebound

@Suite struct RestartPolicyTests {
    static let crash = WaitStatus.exited(code: 3)

    @Test func exitZeroStopsUnlessRestartOnZero() {
        var policy = RestartPolicy(options: ReboundOptions())
        #expect(policy.decide(after: .exited(code: 0), ranFor: 5) == .stop(.finished, exitCode: 0))
        var restarting = RestartPolicy(options: ReboundOptions(restartOnZero: true))
        #expect(restarting.decide(after: .exited(code: 0), ranFor: 5) == .restart(count: 1, delay: 0, throttled: false))
    }

    @Test func terminateAndInterruptStopOtherSignalsRestart() {
        var policy = RestartPolicy(options: ReboundOptions())
        #expect(policy.decide(after: .signaled(.terminate, coreDumped: false), ranFor: 5) == .stop(.terminated(.terminate), exitCode: 143))
        #expect(policy.decide(after: .signaled(.interrupt, coreDumped: false), ranFor: 5) == .stop(.terminated(.interrupt), exitCode: 130))
        #expect(policy.decide(after: .signaled(.kill, coreDumped: false), ranFor: 5) == .restart(count: 1, delay: 0, throttled: false))
        #expect(policy.decide(after: .signaled(.segmentationFault, coreDumped: true), ranFor: 5) == .restart(count: 2, delay: 0, throttled: false))
    }

    @Test func maxRestartsCountsRestartsAndExitsWithTheLastCode() {
        var policy = RestartPolicy(options: ReboundOptions(maxRestarts: 2))
        #expect(policy.decide(after: .exited(code: 1), ranFor: 5) == .restart(count: 1, delay: 0, throttled: false))
        #expect(policy.decide(after: .exited(code: 2), ranFor: 5) == .restart(count: 2, delay: 0, throttled: false))
        #expect(policy.decide(after: .signaled(.kill, coreDumped: false), ranFor: 5) == .stop(.maxRestartsReached, exitCode: 137))
    }

    @Test func restartDelayAppliesToEveryRestart() {
        var policy = RestartPolicy(options: ReboundOptions(restartDelay: 0.25))
        #expect(policy.decide(after: Self.crash, ranFor: 5) == .restart(count: 1, delay: 0.25, throttled: false))
        #expect(policy.decide(after: Self.crash, ranFor: 50) == .restart(count: 2, delay: 0.25, throttled: false))
    }

    @Test func burstOfRapidFailuresThrottlesWithDoublingCappedBackoff() {
        var policy = RestartPolicy(options: ReboundOptions(burst: 2, backoffMax: 5))
        var delays: [Double] = []
        for _ in 0..<6 {
            guard case .restart(_, let delay, _) = policy.decide(after: Self.crash, ranFor: 0.1) else { return }
            delays.append(delay)
        }
        #expect(delays == [0, 1, 2, 4, 5, 5])
    }

    @Test func burstZeroNeverThrottles() {
        var policy = RestartPolicy(options: ReboundOptions(burst: 0))
        for count in 1...20 {
            #expect(policy.decide(after: Self.crash, ranFor: 0) == .restart(count: Int32(count), delay: 0, throttled: false))
        }
    }

    @Test func slowFailuresNeitherCountNorResetButAStableRunResets() {
        var policy = RestartPolicy(options: ReboundOptions(burst: 2, backoffMax: 60, stableAfter: 10))
        _ = policy.decide(after: Self.crash, ranFor: 0.1)
        #expect(policy.decide(after: Self.crash, ranFor: 0.1) == .restart(count: 2, delay: 1, throttled: true))
        // Up 3 s: not rapid, not stable; the crash loop state stays.
        #expect(policy.decide(after: Self.crash, ranFor: 3) == .restart(count: 3, delay: 2, throttled: true))
        #expect(policy.decide(after: Self.crash, ranFor: 0.1) == .restart(count: 4, delay: 4, throttled: true))
        // Up 10 s: stable; the burst count and the backoff start over.
        #expect(policy.decide(after: Self.crash, ranFor: 10) == .restart(count: 5, delay: 0, throttled: false))
        #expect(policy.rapidFailures == 0)
        _ = policy.decide(after: Self.crash, ranFor: 0.1)
        #expect(policy.decide(after: Self.crash, ranFor: 0.1) == .restart(count: 7, delay: 1, throttled: true))
    }

    @Test func throttleNeverShortensTheRestartDelay() {
        var policy = RestartPolicy(options: ReboundOptions(restartDelay: 3, burst: 1, backoffMax: 30))
        #expect(policy.decide(after: Self.crash, ranFor: 0) == .restart(count: 1, delay: 3, throttled: true))
        _ = policy.decide(after: Self.crash, ranFor: 0)
        #expect(policy.decide(after: Self.crash, ranFor: 0) == .restart(count: 3, delay: 4, throttled: true))
    }
}
