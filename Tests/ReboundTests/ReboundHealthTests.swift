import Foundation
import ProcessKit
import Testing
import TestSupport
import ToolSupport
@testable import rebound

/// The health check options, the rule that counts failures, and the status file's JSON, without
/// running anything (the behaviour with real processes is in ReboundHealthIntegrationTests).
@Suite struct ReboundHealthTests {
    /// The option parsing helpers of the other rebound option tests.
    let parsing = ReboundOptionsTests()
    func options(_ arguments: [String]) throws -> ReboundOptions { try parsing.options(arguments) }
    func usageError(_ arguments: [String]) -> String? { parsing.usageError(arguments) }

    // MARK: Options

    @Test func healthDefaultsAreDockers() throws {
        #expect(try options(["server"]).healthCheck == nil)
        #expect(try options(["server"]).statusFile == nil)
        let check = try #require(try options(["--health-cmd", "pg_isready", "server"]).healthCheck)
        #expect(
            check
                == HealthCheckSettings(
                    command: Array("pg_isready".utf8), interval: .seconds(30), timeout: .seconds(30), retries: 3,
                    startPeriod: .zero))
    }

    @Test func healthOptionsTakeSecondsOrGoDurations() throws {
        let check = try #require(
            try options([
                "--health-cmd=test -f /run/ok", "--health-interval", "1m30s", "--health-timeout=500ms",
                "--health-retries", "5", "--health-start-period", "2.5", "--status-file", "/run/rebound.json", "server",
                "--health-cmd",
            ]).healthCheck)
        #expect(
            check
                == HealthCheckSettings(
                    command: Array("test -f /run/ok".utf8), interval: .seconds(90), timeout: .milliseconds(500), retries: 5,
                    startPeriod: .milliseconds(2500)))
        #expect(try options(["--status-file", "/run/rebound.json", "server"]).statusFile == Array("/run/rebound.json".utf8))
        #expect(try options(["--health-cmd", "true", "--health-start-period", "0", "server"]).healthCheck?.startPeriod == .zero)
        #expect(
            try options(["--health-cmd", "true", "--health-interval", "1h", "server"]).healthCheck?.interval == .seconds(3600))
        #expect(
            try options(["--health-cmd", "true", "--health-interval", "0.25", "server"]).healthCheck?.interval
                == .milliseconds(250))
    }

    @Test func badHealthValuesNameTheOption() {
        let duration = "(use seconds, e.g. 30 or 0.5, or 30s, 1m30s, 500ms)"
        #expect(
            usageError(["--health-cmd", "true", "--health-interval", "0", "server"])
                == "--health-interval must be more than 0: '0'")
        #expect(
            usageError(["--health-cmd", "true", "--health-interval", "0s", "server"])
                == "--health-interval must be more than 0: '0s'")
        #expect(
            usageError(["--health-cmd", "true", "--health-interval", "-1", "server"])
                == "not a valid duration for --health-interval: '-1' \(duration)")
        #expect(
            usageError(["--health-cmd", "true", "--health-timeout", "soon", "server"])
                == "not a valid duration for --health-timeout: 'soon' \(duration)")
        #expect(
            usageError(["--health-cmd", "true", "--health-timeout", "5d", "server"])
                == "not a valid duration for --health-timeout: '5d' \(duration)")
        #expect(
            usageError(["--health-cmd", "true", "--health-start-period", "-2", "server"])
                == "not a valid duration for --health-start-period: '-2' \(duration)")
        #expect(
            usageError(["--health-cmd", "true", "--health-retries", "0", "server"]) == "--health-retries must be at least 1: '0'")
        #expect(
            usageError(["--health-cmd", "true", "--health-retries", "three", "server"])
                == "not a valid number for --health-retries: 'three' (use a whole number >= 0, at least 1)")
        #expect(usageError(["--health-cmd", "", "server"]) == "--health-cmd needs a command")
        #expect(usageError(["--status-file", "", "server"]) == "--status-file needs a path")
        #expect(usageError(["--health-interval", "5", "server"]) == "--health-interval does nothing without --health-cmd CMD")
        #expect(usageError(["--health-retries", "2", "server"]) == "--health-retries does nothing without --health-cmd CMD")
    }

    @Test func durationsParseLikeGoOrAsPlainSeconds() {
        func duration(_ text: String) -> Duration? { try? OptionValue.duration(text.utf8).get().duration }
        #expect(duration("30") == .seconds(30))
        #expect(duration(".5") == .milliseconds(500))
        #expect(duration("30s") == .seconds(30))
        #expect(duration("1m30s") == .seconds(90))
        #expect(duration("1h2m3s") == .seconds(3723))
        #expect(duration("250ms") == .milliseconds(250))
        #expect(duration("1.5s") == .milliseconds(1500))
        for bad in ["", "s", "1x", "1 s", "-1s", "1s-", "m5", "1.2.3s", "1S"] {
            #expect(duration(bad) == nil, "\(bad)")
        }
    }

    // MARK: Counting failures

    @Test func retriesFailuresInARowMakeTheChildUnhealthyAndAPassResetsTheCount() {
        var policy = HealthCheckPolicy(retries: 3, startPeriod: .zero)
        #expect(policy.record(passed: false, sinceStart: .seconds(1)) == .failed(count: 1))
        #expect(policy.record(passed: false, sinceStart: .seconds(2)) == .failed(count: 2))
        #expect(policy.record(passed: true, sinceStart: .seconds(3)) == .healthy)
        #expect(policy.failures == 0)
        #expect(policy.record(passed: false, sinceStart: .seconds(4)) == .failed(count: 1))
        #expect(policy.record(passed: false, sinceStart: .seconds(5)) == .failed(count: 2))
        #expect(policy.record(passed: false, sinceStart: .seconds(6)) == .unhealthy(count: 3))
    }

    @Test func oneRetryMakesTheFirstFailureUnhealthy() {
        var policy = HealthCheckPolicy(retries: 1, startPeriod: .zero)
        #expect(policy.record(passed: false, sinceStart: .milliseconds(100)) == .unhealthy(count: 1))
    }

    @Test func failuresInTheStartPeriodDoNotCountUntilItEndsOrACheckPasses() {
        var policy = HealthCheckPolicy(retries: 2, startPeriod: .seconds(10))
        #expect(policy.record(passed: false, sinceStart: .seconds(1)) == .ignoredInStartPeriod)
        #expect(policy.record(passed: false, sinceStart: .milliseconds(9900)) == .ignoredInStartPeriod)
        #expect(policy.failures == 0)
        #expect(policy.record(passed: false, sinceStart: .seconds(10)) == .failed(count: 1))

        // A pass inside the start period ends it: the next failure counts at once.
        var early = HealthCheckPolicy(retries: 2, startPeriod: .seconds(10))
        #expect(early.record(passed: true, sinceStart: .seconds(1)) == .healthy)
        #expect(early.record(passed: false, sinceStart: .seconds(2)) == .failed(count: 1))
        #expect(early.record(passed: false, sinceStart: .seconds(3)) == .unhealthy(count: 2))
    }

    @Test func anUnhealthyChildIsRestartedWhateverItsStatusWithinMaxRestarts() {
        var policy = RestartPolicy(options: ReboundOptions(maxRestarts: 2, command: bytes(["server"])))
        // Stopped by the health restart's SIGTERM, or exiting 0 on it: restarted, not an exit.
        #expect(
            policy.decide(after: .signaled(.terminate, coreDumped: false), ranFor: .seconds(20), unhealthy: true)
                == .restart(count: 1, delay: .zero, throttled: false))
        #expect(
            policy.decide(after: .exited(code: 0), ranFor: .seconds(20), unhealthy: true)
                == .restart(count: 2, delay: .zero, throttled: false))
        #expect(
            policy.decide(after: .signaled(.kill, coreDumped: false), ranFor: .seconds(20), unhealthy: true)
                == .stop(.maxRestartsReached, exitCode: 137))
    }

    // MARK: The status file

    @Test func statusFileIsJSONWithEveryField() throws {
        let file = StatusFile(
            path: Array("/nonexistent/status".utf8), command: "control-plane", log: Log(quiet: true, format: .text),
            healthChecked: true)
        file.state = .unhealthy
        file.pid = 42
        file.restarts = 2
        file.lastExitStatus = 137
        file.lastRestartTime = 1_764_123_456_789_000_000
        file.lastHealthTime = 1_764_123_466_005_000_000
        file.lastHealthResult = "timed out after 2 s"
        file.failingStreak = 3
        #expect(
            file.json
                == #"{"state":"unhealthy","pid":42,"command":"control-plane","restarts":2,"last_exit_status":137,"last_restart_time":1764123456.789,"health":"starting","failing_streak":3,"last_health_time":1764123466.005,"last_health_result":"timed out after 2 s","health_checks_not_run":0}"#
                + "\n")
        let fresh = StatusFile(
            path: Array("/nonexistent/status".utf8), command: "x", log: Log(quiet: true, format: .text), healthChecked: false)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(fresh.json.utf8)) as? [String: Any])
        #expect(parsed["state"] as? String == "starting")
        #expect(parsed["pid"] is NSNull && parsed["health"] is NSNull && parsed["last_restart_time"] is NSNull)
    }

    @Test func statusFileStringsAreEscaped() throws {
        let awkward = "a\"b\\c\nd\te\u{1}f\u{7f}é😀"
        let file = StatusFile(
            path: Array("/nonexistent/status".utf8), command: awkward, log: Log(quiet: true, format: .text), healthChecked: false)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(file.json.utf8)) as? [String: Any])
        #expect(parsed["command"] as? String == awkward)
    }

    @Test func statusFileIsReplacedWholeAndAFailureLeavesNoTemporaryFile() throws {
        try Harness.withTemporaryDirectory { directory in
            let path = directory + "/status.json"
            let file = StatusFile(
                path: Array(path.utf8), command: "x", log: Log(quiet: true, format: .text), healthChecked: false)
            file.write()
            file.state = .running
            file.write()
            #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix(#"{"state":"running""#))
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["status.json"])
            // A directory in the way of the rename: the write fails, the directory stays, no .tmp is left.
            let blocked = directory + "/blocked"
            try FileManager.default.createDirectory(atPath: blocked + "/inside", withIntermediateDirectories: true)
            #expect(throws: Errno.self) { try AtomicFile.replace(Array(blocked.utf8), with: Array("{}".utf8)) }
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == ["blocked", "status.json"])
        }
    }

    // MARK: Checks that could not start, and the runner's report

    @Test func aCheckThatDidNotRunIsNeitherAPassNorAFailure() {
        var monitor = HealthMonitor(settings: HealthCheckSettings(command: Array("true".utf8), retries: 1))
        #expect(monitor.record(.notRun("cannot start /bin/sh: fork failed: Resource temporarily unavailable")) == nil)
        #expect(monitor.record(.notRun("cannot create a pipe for the check: Too many open files")) == nil)
        #expect(monitor.notRunInARow == 2 && monitor.policy.failures == 0 && !monitor.policy.hasPassed)
        #expect(monitor.record(.exited(code: 1)) == .unhealthy(count: 1))
        #expect(monitor.notRunInARow == 0)
        #expect(
            HealthMonitor.Outcome.notRun("cannot start /bin/sh: fork failed: Resource temporarily unavailable").description
                == "not run: cannot start /bin/sh: fork failed: Resource temporarily unavailable")
        let status = StatusFile(
            path: Array("/nonexistent/status".utf8), command: "x", log: Log(quiet: true, format: .text), healthChecked: true)
        status.notRun(result: "not run: cannot start /bin/sh: fork failed: Resource temporarily unavailable")
        #expect(
            status.json.contains(#""health":"starting","failing_streak":0,"#)
                && status.json.contains(#""health_checks_not_run":1}"#), "\(status.json)")
    }

    @Test func theRunnersReportSaysHowTheCheckEnded() {
        #expect(HealthCheckRunner.outcome(of: Array("exit 0\n".utf8)) == .passed)
        #expect(HealthCheckRunner.outcome(of: Array("exit 3\n".utf8)) == .exited(code: 3))
        #expect(HealthCheckRunner.outcome(of: Array("signal 9\n".utf8)) == .killed(.kill))
        #expect(
            HealthCheckRunner.outcome(
                of: Array("not run: cannot start /bin/sh: fork failed: Resource temporarily unavailable\n".utf8))
                == .notRun("cannot start /bin/sh: fork failed: Resource temporarily unavailable"))
        // Killed before it could say: the runner's own status decides.
        #expect(HealthCheckRunner.outcome(of: []) == nil)
        #expect(HealthCheckRunner.outcome(of: Array("exit".utf8)) == nil)
        #expect(HealthMonitor.cannotExecuteItself(Errno(rawValue: ENOEXEC)) && !HealthMonitor.cannotExecuteItself(.tryAgain))
    }

    @Test func secondsAreShownShort() {
        #expect(HealthMonitor.format(.seconds(2)) == "2")
        #expect(HealthMonitor.format(.milliseconds(500)) == "0.5")
        #expect(HealthMonitor.format(.milliseconds(1250)) == "1.25")
        #expect(HealthMonitor.format(.milliseconds(1)) == "0.001")
        #expect(HealthMonitor.format(.nanoseconds(1_500_000)) == "0.002")  // half a millisecond rounds up
        #expect(StatusFile.seconds(1_000_000_007_000_000) == "1000000.007")
    }
}
