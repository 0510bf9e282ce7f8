import Testing
@testable import ProcessKit
@testable import rebound

/// rebound's rules while its child runs and while a restart waits, without processes or clocks.
@Suite struct ChildRunPolicyTests {
    static let child: Int32 = 42
    static let start = Deadline(nanoseconds: 1_000_000_000)

    func signal(_ signal: Signal) -> SupervisorEvent {
        .signal(ReceivedSignal(signal: signal, senderPID: 99, code: 0, value: 0))
    }

    func after(_ seconds: Double) -> Deadline { after(.seconds(seconds)) }

    func after(_ duration: Duration) -> Deadline { .after(duration, from: ChildRunPolicyTests.start) }

    @Test func theChildsEndGoesToTheRestartRulesAndAnotherChildIsAHealthCheck() {
        var run = ChildRunPolicy(stopTimeout: .zero)
        #expect(
            run.decide(.childEnded(pid: 7, status: .exited(code: 0)), child: Self.child, now: Self.start)
                == .checkEnded(pid: 7, status: .exited(code: 0)))
        #expect(
            run.decide(.childEnded(pid: Self.child, status: .exited(code: 3)), child: Self.child, now: Self.start)
                == .childEnded(.exited(code: 3), unhealthy: false))
    }

    @Test func everySignalIsForwardedAndTheFirstStopSignalMakesThisRunTheLast() {
        var run = ChildRunPolicy(stopTimeout: .zero)
        #expect(run.decide(signal(.hangup), child: Self.child, now: Self.start) == .forward(.hangup, startsStop: false))
        #expect(run.decide(signal(.interrupt), child: Self.child, now: Self.start) == .forward(.interrupt, startsStop: true))
        #expect(run.decide(signal(.terminate), child: Self.child, now: Self.start) == .forward(.terminate, startsStop: false))
        #expect(run.killDue == nil)  // --stop-timeout 0 waits for ever
        #expect(
            run.decide(.childEnded(pid: Self.child, status: .exited(code: 0)), child: Self.child, now: Self.start)
                == .shutDown(.exited(code: 0)))
    }

    @Test func stopTimeoutSchedulesOneSigkill() {
        var run = ChildRunPolicy(stopTimeout: .seconds(2))
        _ = run.decide(signal(.terminate), child: Self.child, now: Self.start)
        #expect(run.killDue == after(2))
        var due = run.killIsDue(now: after(1.9))
        #expect(!due)
        #expect(run.wakeUp(or: after(5)) == after(2))
        #expect(run.wakeUp(or: after(1)) == after(1))
        due = run.killIsDue(now: after(2))
        #expect(due)
        due = run.killIsDue(now: after(3))
        #expect(!due)
        #expect(run.wakeUp(or: nil) == nil)
    }

    @Test func anUnhealthyChildIsStoppedWithinTheDefaultStopTimeAndCountsAsUnhealthy() {
        var run = ChildRunPolicy(stopTimeout: .zero)
        run.stopUnhealthy(now: Self.start)
        #expect(run.killDue == after(HealthCheckSettings.defaultStop))
        #expect(
            run.decide(
                .childEnded(pid: Self.child, status: .signaled(.terminate, coreDumped: false)), child: Self.child, now: Self.start
            )
                == .childEnded(.signaled(.terminate, coreDumped: false), unhealthy: true))
    }

    @Test func aFailedWaitGivesUp() {
        var run = ChildRunPolicy(stopTimeout: .zero)
        #expect(run.decide(.waitFailed(.interrupted), child: Self.child, now: Self.start) == .fail(.interrupted))
        #expect(run.decide(.deadline, child: Self.child, now: Self.start) == .nothing)
    }

    @Test func aRestartDelayEndsOnItsDeadlineOrOnAStopSignal() {
        #expect(RestartPolicy.duringDelay(.deadline) == .restart)
        #expect(RestartPolicy.duringDelay(signal(.terminate)) == .stop(.terminate))
        #expect(RestartPolicy.duringDelay(signal(.interrupt)) == .stop(.interrupt))
        #expect(RestartPolicy.duringDelay(signal(.hangup)) == nil)
        #expect(RestartPolicy.duringDelay(.childEnded(pid: 7, status: .exited(code: 1))) == nil)
        #expect(RestartPolicy.duringDelay(.waitFailed(.interrupted)) == .fail(.interrupted))
    }
}
