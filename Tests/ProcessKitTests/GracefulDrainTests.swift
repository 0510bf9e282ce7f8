import ProcessKit
import Testing

/// The drain's log wording, which swinit and rebound share, without running processes.
@Suite struct GracefulDrainTests {
    let drain = GracefulDrain(grace: .seconds(30), signal: .interrupt)
    let left = [
        ProcessEntry(pid: 11, parentPID: 1, name: "postgres", state: UInt8(ascii: "S")),
        ProcessEntry(pid: 20, parentPID: 1, name: "psql", state: UInt8(ascii: "S")),
    ]

    @Test func defaultsToSigterm() {
        #expect(GracefulDrain(grace: .seconds(5)).signal == .terminate)
    }

    @Test func eventsReadAsOneLineWithTheirImportance() {
        #expect(
            drain.describe(.stopping(left, with: .interrupt)) == (
                "sending SIGINT to 2 processes: 11 (postgres), 20 (psql), allowing 30.0 s", .progress
            ))
        #expect(drain.describe(.allGone(after: .milliseconds(140))) == ("every process left in time, after 0.1 s", .progress))
        #expect(
            drain.describe(.killing(Array(left.prefix(1)))) == (
                "still running after 30.0 s, sending SIGKILL: 1 process: 11 (postgres)", .problem
            ))
        #expect(drain.describe(.nothingLeft) == ("no processes left", .progress))
        #expect(drain.describe(.signalled(left, with: .kill)).importance == .detail)
        #expect(drain.describe(.ignored(.hangup)) == ("ignoring signal 'SIGHUP' while draining", .detail))
        #expect(
            drain.describe(.cannotList(.foreignNamespace)).text
                == "cannot list the processes left: /proc belongs to another PID namespace (mount a fresh /proc); exiting without a graceful stop"
        )
    }

    /// With every process listed, a drain of 10,000 processes wrote one line of 159 KB.
    @Test func aLongListIsACountAndTheFirstFew() {
        let many = (1...10_000).map { ProcessEntry(pid: Int32($0 + 100), parentPID: 1, name: "worker", state: UInt8(ascii: "S")) }
        let text = GracefulDrain.describe(many)
        #expect(
            text == "10000 processes: 101 (worker), 102 (worker), 103 (worker), 104 (worker), 105 (worker), "
                + "106 (worker), 107 (worker), 108 (worker), 109 (worker), 110 (worker) and 9990 more")
        #expect(GracefulDrain.describe(Array(many.prefix(10))).hasSuffix("110 (worker)"))
        #expect(GracefulDrain.describe(Array(many.prefix(11))).hasSuffix("110 (worker) and 1 more"))
        #expect(drain.describe(.killing(many)).text.utf8.count < 300)
    }

    @Test func secondsWithOneDecimal() {
        #expect(GracefulDrain.formatSeconds(.seconds(5)) == "5.0")
        #expect(GracefulDrain.formatSeconds(.milliseconds(2040)) == "2.0")
        #expect(GracefulDrain.formatSeconds(.milliseconds(250)) == "0.3")
        #expect(GracefulDrain.formatSeconds(.nanoseconds(49_999_999)) == "0.0")
        #expect(GracefulDrain.formatSeconds(.milliseconds(-10)) == "0.0")
        #expect(GracefulDrain.formatSeconds(.seconds(86_400)) == "86400.0")
    }
}
