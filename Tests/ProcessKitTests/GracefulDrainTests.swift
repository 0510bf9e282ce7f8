import ProcessKit
import Testing

/// The drain's log wording, which swinit and rebound share, without running processes.
@Suite struct GracefulDrainTests {
    let drain = GracefulDrain(seconds: 30, signal: .interrupt)
    let left = [ProcessEntry(pid: 11, parentPID: 1, name: "postgres", state: UInt8(ascii: "S")),
                ProcessEntry(pid: 20, parentPID: 1, name: "psql", state: UInt8(ascii: "S"))]

    @Test func defaultsToSigterm() {
        #expect(GracefulDrain(seconds: 5).signal == .terminate)
    }

    @Test func eventsReadAsOneLineWithTheirImportance() {
        #expect(drain.describe(.stopping(left, with: .interrupt)) ==
                ("sending SIGINT to 2 processes: 11 (postgres), 20 (psql), allowing 30.0 s", .progress))
        #expect(drain.describe(.allGone(afterSeconds: 0.14)) == ("every process left in time, after 0.1 s", .progress))
        #expect(drain.describe(.killing(Array(left.prefix(1)))) ==
                ("still running after 30.0 s, sending SIGKILL: 1 process: 11 (postgres)", .problem))
        #expect(drain.describe(.nothingLeft) == ("no processes left", .progress))
        #expect(drain.describe(.signalled(left, with: .kill)).importance == .detail)
        #expect(drain.describe(.ignored(.hangup)) == ("ignoring signal 'SIGHUP' while draining", .detail))
        #expect(drain.describe(.cannotList(.foreignNamespace)).text
                == "cannot list the processes left: /proc belongs to another PID namespace (mount a fresh /proc); exiting without a graceful stop")
    }

    @Test func secondsWithOneDecimal() {
        #expect(GracefulDrain.formatSeconds(5) == "5.0")
        #expect(GracefulDrain.formatSeconds(2.04) == "2.0")
        #expect(GracefulDrain.formatSeconds(0.25) == "0.3")
        #expect(GracefulDrain.formatSeconds(-0.01) == "0.0")
        #expect(GracefulDrain.formatSeconds(86_400) == "86400.0")
    }
}
