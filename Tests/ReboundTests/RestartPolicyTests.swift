import ProcessKit
import Testing
@testable import rebound

@Suite struct RestartPolicyTests {
    static let crash = WaitStatus.exited(code: 3)

    @Test func exitZeroStopsUnlessRestartOnZero() {
        var policy = RestartPolicy(options: ReboundOptions())
        #expect(policy.decide(after: .exited(code: 0), ranFor: .seconds(5)) == .stop(.finished, exitCode: 0))
        var restarting = RestartPolicy(options: ReboundOptions(restartOnZero: true))
        #expect(
            restarting.decide(after: .exited(code: 0), ranFor: .seconds(5)) == .restart(count: 1, delay: .zero, throttled: false))
    }

    @Test func terminateAndInterruptStopOtherSignalsRestart() {
        var policy = RestartPolicy(options: ReboundOptions())
        #expect(
            policy.decide(after: .signaled(.terminate, coreDumped: false), ranFor: .seconds(5))
                == .stop(.terminated(.terminate), exitCode: 143))
        #expect(
            policy.decide(after: .signaled(.interrupt, coreDumped: false), ranFor: .seconds(5))
                == .stop(.terminated(.interrupt), exitCode: 130))
        #expect(
            policy.decide(after: .signaled(.kill, coreDumped: false), ranFor: .seconds(5))
                == .restart(count: 1, delay: .zero, throttled: false))
        #expect(
            policy.decide(after: .signaled(.segmentationFault, coreDumped: true), ranFor: .seconds(5))
                == .restart(count: 2, delay: .zero, throttled: false))
    }

    @Test func maxRestartsCountsRestartsAndExitsWithTheLastCode() {
        var policy = RestartPolicy(options: ReboundOptions(maxRestarts: 2))
        #expect(policy.decide(after: .exited(code: 1), ranFor: .seconds(5)) == .restart(count: 1, delay: .zero, throttled: false))
        #expect(policy.decide(after: .exited(code: 2), ranFor: .seconds(5)) == .restart(count: 2, delay: .zero, throttled: false))
        #expect(
            policy.decide(after: .signaled(.kill, coreDumped: false), ranFor: .seconds(5))
                == .stop(.maxRestartsReached, exitCode: 137))
    }

    @Test func restartDelayAppliesToEveryRestart() {
        var policy = RestartPolicy(options: ReboundOptions(restartDelay: .milliseconds(250)))
        #expect(
            policy.decide(after: Self.crash, ranFor: .seconds(5))
                == .restart(count: 1, delay: .milliseconds(250), throttled: false))
        #expect(
            policy.decide(after: Self.crash, ranFor: .seconds(50))
                == .restart(count: 2, delay: .milliseconds(250), throttled: false))
    }

    @Test func burstOfRapidFailuresThrottlesWithDoublingCappedBackoff() {
        var policy = RestartPolicy(options: ReboundOptions(burst: 2, backoffMax: .seconds(5)))
        var delays: [Duration] = []
        for _ in 0..<6 {
            guard case .restart(_, let delay, _) = policy.decide(after: Self.crash, ranFor: .milliseconds(100)) else { return }
            delays.append(delay)
        }
        #expect(delays == [0, 1, 2, 4, 5, 5].map { Duration.seconds($0) })
    }

    @Test func burstZeroNeverThrottles() {
        var policy = RestartPolicy(options: ReboundOptions(burst: 0))
        for count in 1...20 {
            #expect(
                policy.decide(after: Self.crash, ranFor: .zero) == .restart(count: Int32(count), delay: .zero, throttled: false))
        }
    }

    @Test func slowFailuresNeitherCountNorResetButAStableRunResets() {
        var policy = RestartPolicy(options: ReboundOptions(burst: 2, backoffMax: .seconds(60), stableAfter: .seconds(10)))
        _ = policy.decide(after: Self.crash, ranFor: .milliseconds(100))
        #expect(
            policy.decide(after: Self.crash, ranFor: .milliseconds(100))
                == .restart(count: 2, delay: .seconds(1), throttled: true))
        // Up 3 s: not rapid, not stable; the crash loop state stays.
        #expect(policy.decide(after: Self.crash, ranFor: .seconds(3)) == .restart(count: 3, delay: .seconds(2), throttled: true))
        #expect(
            policy.decide(after: Self.crash, ranFor: .milliseconds(100))
                == .restart(count: 4, delay: .seconds(4), throttled: true))
        // Up 10 s: stable; the burst count and the backoff start over.
        #expect(policy.decide(after: Self.crash, ranFor: .seconds(10)) == .restart(count: 5, delay: .zero, throttled: false))
        #expect(policy.rapidFailures == 0)
        _ = policy.decide(after: Self.crash, ranFor: .milliseconds(100))
        #expect(
            policy.decide(after: Self.crash, ranFor: .milliseconds(100))
                == .restart(count: 7, delay: .seconds(1), throttled: true))
    }

    @Test func throttleNeverShortensTheRestartDelay() {
        var policy = RestartPolicy(options: ReboundOptions(restartDelay: .seconds(3), burst: 1, backoffMax: .seconds(30)))
        #expect(policy.decide(after: Self.crash, ranFor: .zero) == .restart(count: 1, delay: .seconds(3), throttled: true))
        _ = policy.decide(after: Self.crash, ranFor: .zero)
        #expect(policy.decide(after: Self.crash, ranFor: .zero) == .restart(count: 3, delay: .seconds(4), throttled: true))
    }
}
