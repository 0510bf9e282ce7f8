import Testing
@testable import ProcessKit
@testable import swinit
import ToolSupport

/// swinit's decisions about each event of its loop, without processes or signals.
@Suite struct SupervisorPolicyTests {
    func signal(_ signal: Signal) -> SupervisorEvent {
        .signal(ReceivedSignal(signal: signal, senderPID: 99, code: 0, value: 0))
    }

    static let now = Deadline(nanoseconds: 5_000_000_000)

    func after(_ seconds: Double) -> Deadline { Deadline(nanoseconds: Self.now.nanoseconds + Int64(seconds * 1e9)) }

    func policy(_ arguments: [String]) throws -> SupervisorPolicy {
        guard case .run(let options) = try SwinitOptions.parse(bytes(arguments), environment: { _ in nil }) else {
            throw UsageError(message: "no program in \(arguments)")
        }
        return SupervisorPolicy(options: options)
    }

    @Test func theMainChildsEndFinishesWhateverItWas() throws {
        var policy = try policy(["--", "true"])
        #expect(policy.decide(at: .childEnded(pid: 7, status: .exited(code: 127))) == .childEnded(.exited(code: 127)))
        #expect(
            policy.decide(at: .childEnded(pid: 7, status: .signaled(.kill, coreDumped: false)))
                == .childEnded(.signaled(.kill, coreDumped: false)))
    }

    @Test func signalsArePassedOnAsTheyCame() throws {
        var policy = try policy(["--", "true"])
        #expect(policy.decide(at: signal(.terminate)) == .pass(.terminate))
        #expect(policy.decide(at: signal(.hangup)) == .pass(.hangup))
        #expect(policy.decide(at: .deadline) == .nothing)
        #expect(policy.nextDue == nil)
    }

    @Test func rewritesSendAnotherSignalOrNone() throws {
        var policy = try policy(["--rewrite", "TERM:QUIT", "--rewrite", "HUP:0", "--", "nginx"])
        #expect(policy.decide(at: signal(.terminate)) == .send(.quit, reason: "--rewrite of SIGTERM", thenContinue: false))
        #expect(policy.decide(at: signal(.hangup)) == .drop(.hangup))
        #expect(policy.decide(at: signal(.user1)) == .pass(.user1))
    }

    @Test func stopSequenceStepsComeFromSigtermAndFromTheirDeadlines() throws {
        var policy = try policy(["--stop-sequence", "TSTP,20,TERM", "--", "worker"])
        #expect(
            policy.decide(at: signal(.terminate))
                == .send(
                    .terminalStop, reason: "SIGTERM started or skipped ahead the stop sequence, step 1 of 2", thenContinue: false)
        )
        #expect(policy.nextDue == after(20))
        #expect(policy.decide(at: .deadline) == .send(.terminate, reason: "stop sequence, step 2 of 2", thenContinue: true))
        #expect(policy.nextDue == nil)
        // Once the sequence is over, SIGTERM is passed on like any signal.
        #expect(policy.decide(at: signal(.terminate)) == .pass(.terminate))
    }

    @Test func stopSequenceStepsThenSkipsAheadThenFinishes() throws {
        var policy = try policy(["--stop-sequence", "TSTP,20,USR1,5,TERM", "--", "worker"])
        #expect(policy.nextDue == nil)
        #expect(
            policy.decide(at: signal(.terminate))
                == .send(
                    .terminalStop, reason: "SIGTERM started or skipped ahead the stop sequence, step 1 of 3", thenContinue: false)
        )
        #expect(policy.nextDue == after(20))
        // A second SIGTERM skips ahead; SIGUSR1 does not stop processes, so SIGCONT follows it.
        #expect(
            policy.decide(at: signal(.terminate))
                == .send(.user1, reason: "SIGTERM started or skipped ahead the stop sequence, step 2 of 3", thenContinue: true))
        #expect(policy.nextDue == after(5))
        #expect(policy.decide(at: .deadline) == .send(.terminate, reason: "stop sequence, step 3 of 3", thenContinue: true))
        #expect(policy.nextDue == nil)
        #expect(policy.decide(at: .deadline) == .nothing)
    }

    @Test func aLeadingDelayHoldsTheStop() throws {
        var policy = try policy(["--stop-sequence", "10,TERM", "--", "worker"])
        #expect(
            policy.decide(at: signal(.terminate))
                == .hold(reason: "SIGTERM started or skipped ahead the stop sequence, step 1 of 2"))
        #expect(
            policy.decide(at: signal(.terminate))
                == .send(
                    .terminate, reason: "SIGTERM started or skipped ahead the stop sequence, step 2 of 2", thenContinue: true))
    }

    @Test func pauseModeStopsOnInterruptOrTerminateAndIgnoresTheRest() throws {
        var policy = try policy(["-P"])
        #expect(policy.decide(at: signal(.hangup)) == .ignore(.hangup))
        #expect(policy.decide(at: signal(.interrupt)) == .stopPausing(.interrupt))
        #expect(policy.decide(at: signal(.terminate)) == .stopPausing(.terminate))
    }

    @Test func aFailedWaitCarriesOn() throws {
        var policy = try policy(["--", "true"])
        #expect(policy.decide(at: .waitFailed(.interrupted)) == .carryOn(.interrupted))
    }
}

extension SupervisorPolicy {
    /// Decides at the tests' fixed "now".
    mutating func decide(at event: SupervisorEvent) -> Action { decide(event, now: SupervisorPolicyTests.now) }
}
