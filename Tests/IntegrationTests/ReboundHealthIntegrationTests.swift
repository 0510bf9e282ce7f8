import Foundation
import Testing
import TestSupport

/// rebound's health checks and status file, with the built binary: a child that stops answering is
/// restarted (and why is logged), a check that hangs is torn down with everything it started, a
/// healthy child is left alone, the status file parses at every moment, and checks cost a wake-up
/// each and nothing without them. Intervals are short (0.2 to 1 s); every wait polls a log line or a
/// file with a generous bound, never a fixed sleep.
@Suite struct ReboundHealthIntegrationTests {
    /// The child's heartbeat protocol: the check removes `alive` (failing if it is not there), and a
    /// child that is still answering writes it again within 0.1 s.
    static func heartbeat(_ directory: String) -> String {
        "while :; do touch \(directory)/alive; sleep 0.1; done"
    }

    static func check(_ directory: String) -> String { "rm \(directory)/alive" }

    /// How the child stops answering.
    enum Freeze: String, CaseIterable, CustomTestStringConvertible {
        /// It stops itself with SIGSTOP (a process that no longer runs at all).
        case sigstop
        /// It goes on running but never touches its heartbeat again, and ignores SIGTERM, so the
        /// restart needs --stop-timeout's SIGKILL.
        case deafLoop
        var testDescription: String { rawValue }

        var script: String {
            switch self {
            case .sigstop: return "kill -STOP $$"
            case .deafLoop: return "trap '' TERM; while :; do sleep 0.1; done"
            }
        }
    }

    /// Run 1 beats for a while, announces "frozen" and stops answering; run 2 beats for ever. With an
    /// interval of 1 s, 2 retries and --stop-timeout 1, the restart must come about 2 to 4 s after
    /// the freeze: 1 s between checks times 2 failures, plus up to 1 s of stop timeout.
    @Test(arguments: Freeze.allCases)
    func aChildThatStopsAnsweringIsRestarted(freeze: Freeze) throws {
        try Harness.withTemporaryDirectory { directory in
            let script = """
                n=$(cat \(directory)/runs 2>/dev/null || echo 0); n=$((n+1)); echo $n > \(directory)/runs
                if [ $n = 1 ]; then
                    i=0; while [ $i -lt 15 ]; do touch \(directory)/alive; sleep 0.1; i=$((i+1)); done
                    echo frozen >&2
                    \(freeze.script)
                fi
                echo "run $n beating" >&2
                \(Self.heartbeat(directory))
                """
            let rebound = try BackgroundProcess(
                Harness.rebound,
                [
                    "--health-cmd", Self.check(directory), "--health-interval", "1", "--health-retries", "2",
                    "--stop-timeout", "1", "--", "sh", "-c", script,
                ])
            try #require(rebound.waitForOutput("frozen"))
            let frozenAt = ContinuousClock.now
            try #require(rebound.waitForOutput("unhealthy, restarting (1)"))
            let restartAfter = seconds(ContinuousClock.now - frozenAt)
            try #require(rebound.waitForOutput("run 2 beating"))
            // About 4 s expected; the upper bound is 3 times that, for a loaded machine.
            #expect(
                restartAfter >= 1 && restartAfter < 12 * Harness.slowdown, "restarted \(restartAfter) s after the child froze")
            var expected = [
                "rebound: starting sh",
                "rebound: health check failed (1/2): exit 1",
                "rebound: health check failed (2/2): exit 1",
            ]
            if freeze == .deafLoop {
                expected.append("rebound: child (pid P) did not exit within the stop timeout, sending SIGKILL")
            }
            expected += ["rebound: child (pid P) unhealthy, restarting (1)", "rebound: starting sh"]
            // Only rebound's lines, and only the failures that come from the freeze (rm's own complaints go to stderr too).
            let lines = logLines(rebound.stderr).filter { $0.hasPrefix("rebound: ") }
            #expect(Array(lines.prefix(expected.count)) == expected, "\(rebound.stderr)")
            _ = rebound.send(SIGTERM)
            #expect(rebound.waitForExit().status == 143)
        }
    }

    /// The check starts a helper that ignores SIGTERM and then hangs. At its timeout the check's
    /// group gets SIGTERM, then SIGKILL: every process it started is gone, and the timeout counts
    /// as a failure (two in a row: restart).
    @Test func aHangingCheckPassesItsTimeoutIsTornDownAndCountsAsAFailure() throws {
        try Harness.withTemporaryDirectory { directory in
            let check = "echo $$ >> \(directory)/pids; (trap '' TERM; exec sleep 1000) & echo $! >> \(directory)/pids; sleep 1000"
            let rebound = try BackgroundProcess(
                Harness.rebound,
                [
                    "--health-cmd", check, "--health-interval", "0.5", "--health-timeout", "0.5", "--health-retries", "2",
                    "--", "sh", "-c", "echo run >&2; exec sleep 1000",
                ])
            try #require(rebound.waitForOutput("health check failed (1/2): timed out after 0.5 s"))
            try #require(rebound.waitForOutput("health check failed (2/2): timed out after 0.5 s"))
            try #require(rebound.waitForOutput("unhealthy, restarting (1)"))
            #expect(logLines(rebound.stderr).contains("rebound: child (pid P) unhealthy, restarting (1)"))
            let pids = try String(contentsOfFile: directory + "/pids", encoding: .utf8).split(separator: "\n").compactMap {
                Int32($0)
            }
            #expect(pids.count >= 4, "\(pids)")
            // Both checks' processes (the shell and the helper that ignores SIGTERM) end, and are reaped.
            let checked = Array(pids.prefix(4))
            let deadline = Date(timeIntervalSinceNow: 60 * Harness.slowdown)
            func left() -> [Int32] { checked.filter { FileManager.default.fileExists(atPath: "/proc/\($0)") } }
            while !left().isEmpty && Date() < deadline { usleep(10_000) }
            #expect(left().isEmpty, "processes of timed-out checks left behind: \(left())")
            _ = rebound.send(SIGTERM)
            #expect(rebound.waitForExit().status == 143)
        }
    }

    /// 15 checks at 0.2 s intervals with --health-retries 1 (a single failure would restart): the
    /// child keeps its one start, and the status file says healthy. The check passes for as long as
    /// the child has made its file, so a loaded machine cannot fail it.
    @Test func aHealthyChildIsNeverRestarted() throws {
        try Harness.withTemporaryDirectory { directory in
            let rebound = try BackgroundProcess(
                Harness.rebound,
                [
                    "--health-cmd", "echo >> \(directory)/checks; test -e \(directory)/alive", "--health-interval", "0.2",
                    "--health-retries", "1", "--health-start-period", "60", "--status-file", directory + "/status.json",
                    "--", "sh", "-c", "touch \(directory)/alive; exec sleep 1000",
                ])
            let deadline = Date(timeIntervalSinceNow: 60)
            func checks() -> Int { ((try? String(contentsOfFile: directory + "/checks", encoding: .utf8)) ?? "").count }
            while checks() < 15 && Date() < deadline { usleep(20_000) }
            #expect(checks() >= 15, "only \(checks()) checks ran")
            // A check before the child made its file (a loaded machine) is in the start period, not counted.
            #expect(
                logLines(rebound.stderr).filter { !$0.contains("in the start period") } == ["rebound: starting sh"],
                "\(rebound.stderr)")
            let status = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/status.json")))
                    as? [String: Any])
            #expect(status["state"] as? String == "running" && status["health"] as? String == "healthy", "\(status)")
            #expect(status["restarts"] as? Int == 0 && status["last_health_result"] as? String == "passed", "\(status)")
            _ = rebound.send(SIGTERM)
            #expect(rebound.waitForExit().status == 143)
        }
    }

    /// A reader polls the status file as fast as it can while rebound restarts a crashing child 12
    /// times and runs health checks: every read parses as a JSON object, and the states pass through
    /// starting/running/restarting to stopping.
    @Test func theStatusFileAlwaysParsesWhileRestartsRewriteIt() throws {
        try Harness.withTemporaryDirectory { directory in
            let path = directory + "/status.json"
            let rebound = try BackgroundProcess(
                Harness.rebound,
                [
                    "-b", "0", "-r", "12", "--status-file", path, "--health-cmd", "true", "--health-interval", "0.05",
                    "--", "sh", "-c", "sleep 0.2; exit 3",
                ])
            var reads = 0, broken: [String] = [], states = Set<String>()
            let deadline = Date(timeIntervalSinceNow: 60)
            while Date() < deadline {
                let finished = rebound.hasExited
                if let data = FileManager.default.contents(atPath: path) {
                    reads += 1
                    if let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
                        let state = object["state"] as? String
                    {
                        states.insert(state)
                    } else {
                        broken.append(String(decoding: data, as: UTF8.self))
                    }
                }
                if finished { break }
            }
            #expect(rebound.waitForExit().status == 3)
            #expect(broken.isEmpty, "\(broken.count) of \(reads) reads did not parse: \(broken.prefix(3))")
            #expect(reads > 50, "only \(reads) reads")
            #expect(states.isSuperset(of: ["running", "restarting", "stopping"]), "\(states)")
            let last = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
            #expect(
                last["state"] as? String == "stopping" && last["restarts"] as? Int == 12 && last["last_exit_status"] as? Int == 3,
                "\(last)")
            #expect(last["pid"] is NSNull && last["last_restart_time"] is Double, "\(last)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["status.json"])
        }
    }

    /// Over the same window, a rebound without health checks is not woken once, and one with a check
    /// every 0.25 s is woken a few times per check (timer, start, exit), no more.
    @Test func idleWakeUpsAreNoneWithoutChecksAndAFewPerCheckWithThem() throws {
        try Harness.withTemporaryDirectory { directory in
            let plain = try BackgroundProcess(Harness.rebound, ["sh", "-c", "echo ready >&2; exec sleep 1000"])
            let checked = try BackgroundProcess(
                Harness.rebound,
                [
                    "--health-cmd", "echo >> \(directory)/checks", "--health-interval", "0.25",
                    "--", "sh", "-c", "echo ready >&2; exec sleep 1000",
                ])
            try #require(plain.waitForOutput("ready") && checked.waitForOutput("ready"))
            let wchan = "/proc/\(plain.pid)/wchan"
            let settle = Date(timeIntervalSinceNow: 5)
            func waiting() -> Bool { (try? String(contentsOfFile: wchan, encoding: .utf8))?.hasPrefix("do_sigtimedwait") == true }
            while !waiting() && Date() < settle { usleep(1_000) }
            try #require(waiting(), "rebound never settled in sigtimedwait")
            func switches(_ pid: Int32) throws -> Int {
                let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
                let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("voluntary_ctxt_switches") })
                return try #require(Int(line.split(separator: "\t").last?.trimmingCharacters(in: .whitespaces) ?? ""))
            }
            func checks() -> Int { ((try? String(contentsOfFile: directory + "/checks", encoding: .utf8)) ?? "").count }
            let plainBefore = try switches(plain.pid), checkedBefore = try switches(checked.pid), checksBefore = checks()
            usleep(2_000_000)  // an observation window, not synchronisation
            let plainWakeUps = try switches(plain.pid) - plainBefore
            let checkedWakeUps = try switches(checked.pid) - checkedBefore
            let ran = checks() - checksBefore
            #expect(plainWakeUps == 0, "rebound without checks woke \(plainWakeUps) times")
            #expect(ran >= 2, "only \(ran) checks ran in 2 s at 0.25 s intervals")
            #expect(checkedWakeUps >= ran && checkedWakeUps <= 6 * (ran + 1), "\(checkedWakeUps) wake-ups for \(ran) checks")
            print("wake-ups in 2 s: \(plainWakeUps) without checks; \(checkedWakeUps) with \(ran) checks at 0.25 s intervals")
            _ = plain.send(SIGTERM)
            _ = checked.send(SIGTERM)
            #expect(plain.waitForExit().status == 143)
            #expect(checked.waitForExit().status == 143)
        }
    }

    /// A check killed by a signal fails too. With -r 1 the second unhealthy run ends rebound with
    /// the child's status (143: the health restart's SIGTERM), and the log says why. A status file
    /// that cannot be written is reported once and changes nothing else.
    @Test func aKilledCheckFailsAndMaxRestartsEndsRebound() throws {
        let result = try runRebound([
            "-r", "1", "--health-cmd", "kill -KILL $$", "--health-interval", "0.2", "--health-retries", "1",
            "--status-file", "/nonexistent/directory/status.json", "--", "sh", "-c", "exec sleep 1000",
        ])
        #expect(result.status == 143)
        #expect(
            logLines(result.stderr) == [
                "rebound: starting sh",
                "rebound: cannot write status file /nonexistent/directory/status.json: No such file or directory",
                "rebound: health check failed (1/1): killed by signal 9",
                "rebound: child (pid P) unhealthy, restarting (1)",
                "rebound: starting sh",
                "rebound: health check failed (1/1): killed by signal 9",
                "rebound: child (pid P) unhealthy",
                "rebound: max restarts (1) reached, exiting",
            ], "\(result.stderr)")
    }

    /// Bad values are refused before anything starts.
    @Test func badHealthValuesPrintOneLineAndUsageAndExit1() throws {
        for (arguments, message) in [
            (["--health-cmd", "true", "--health-interval", "0", "true"], "rebound: --health-interval must be more than 0: '0'"),
            (
                ["--health-cmd", "true", "--health-interval", "-1", "true"],
                "rebound: not a valid duration for --health-interval: '-1' (use seconds, e.g. 30 or 0.5, or 30s, 1m30s, 500ms)"
            ),
            (["--health-cmd", "true", "--health-retries", "0", "true"], "rebound: --health-retries must be at least 1: '0'"),
            (
                ["--health-cmd", "true", "--health-timeout", "abc", "true"],
                "rebound: not a valid duration for --health-timeout: 'abc' (use seconds, e.g. 30 or 0.5, or 30s, 1m30s, 500ms)"
            ),
        ] {
            let result = try runRebound(arguments)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderr.split(separator: "\n").first.map(String.init) == message)
            #expect(result.stderr.contains("Usage: rebound [OPTIONS] [--] PROGRAM [ARGS...]"))
        }
    }

    /// A health check runs as the child's user too (Docker runs HEALTHCHECK as the container's USER).
    @Test func checksRunAsTheChildsUser() throws {
        try Harness.require(geteuid() == 0, "needs root (changing ids)")
        try Harness.withTemporaryDirectory { directory in
            chmod(directory, 0o777)
            let result = try Harness.shell(
                """
                "$REBOUND" -q --user nobody --health-cmd 'id -u > \(directory)/check' --health-interval 0.1 -- \
                    sh -c 'id -u > \(directory)/child; i=0; while [ ! -s \(directory)/check ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done'
                echo "status=$?"
                """)
            #expect(result.stdout.contains("status=0"), "\(result)")
            #expect((try? String(contentsOfFile: directory + "/child", encoding: .utf8)) == "65534\n")
            #expect((try? String(contentsOfFile: directory + "/check", encoding: .utf8)) == "65534\n")
        }
    }
}
