import Foundation
import Testing
import TestSupport

/// rebound's --grace and --grace-signal with the real binary, and what it leaves alone: what a
/// crashed child started keeps running across restarts. Every test that drains as PID 1 runs in a
/// fresh PID namespace, so "every process" cannot reach beyond the test. Runs whose child exits 0
/// pass `-r 1`, as in ReboundIntegrationTests: a broken exit-0 rule then fails at once.
@Suite struct ReboundGraceIntegrationTests {

    func read(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    /// A worker a control plane leaves running (as `pg_ctl` leaves the postmaster): it writes the
    /// signal that stopped it to `saved` after `secondsToSave`, and `ready` once its traps are set.
    func worker(_ directory: String, secondsToSave: String = "0.5") throws -> String {
        try Harness.writeScript(
            directory, "worker.sh",
            """
            trap 'sleep \(secondsToSave); echo TERM > \(directory)/saved; exit 0' TERM
            trap 'sleep \(secondsToSave); echo USR1 > \(directory)/saved; exit 0' USR1
            echo $$ > \(directory)/ready
            while :; do sleep 0.05; done
            """)
    }

    /// The pod stop: SIGTERM to rebound (PID 1), which forwards it to the control plane; the control
    /// plane dies and rebound exits. The worker it left gets the drain's signal and its time only with
    /// --grace; --grace-signal picks the signal.
    @Test(
        arguments: [
            ([], nil),
            (["--grace", "5"], "TERM"),
            (["--grace", "5", "--grace-signal", "USR1"], "USR1"),
        ] as [([String], String?)])
    func stopDrainsWhatTheChildLeftOnlyWithGrace(flags: [String], expected: String?) throws {
        try Harness.requirePIDNamespaces()
        try Harness.withTemporaryDirectory { directory in
            let worker = try worker(directory)
            let controlPlane = try Harness.writeScript(directory, "control-plane.sh", "\(worker) &\nwait\n")
            let result = try Harness.shell(
                SwinitFeatureTests.prelude + """
                    unshare --pid --fork --mount-proc "$REBOUND" \(flags.joined(separator: " ")) -- \(controlPlane) & u=$!
                    wait_for \(directory)/ready
                    kill -TERM "$(child_of $u)"
                    wait $u; echo "status=$?"
                    """)
            // The control plane died of the forwarded SIGTERM: that stays rebound's exit code.
            #expect(result.stdout.contains("status=143"), "\(result)")
            #expect(read(directory + "/saved") == expected.map { $0 + "\n" }, "\(result)")
            if let expected {
                #expect(result.stderr.contains("rebound: grace: sending SIG\(expected) to "), "\(result.stderr)")
                #expect(result.stderr.contains("(worker.sh)") && result.stderr.contains("allowing 5.0 s"), "\(result.stderr)")
                #expect(result.stderr.contains("rebound: grace: every process left in time, after "), "\(result.stderr)")
            } else {
                #expect(!result.stderr.contains("grace:"), "\(result.stderr)")
            }
        }
    }

    /// Every way rebound ends drains first: -r reached, and exit 0 without -0, with the child's code.
    @Test(arguments: [(["-r", "1"], "exit 4", Int32(4)), (["-r", "1"], "exit 0", Int32(0))] as [([String], String, Int32)])
    func everyExitDrains(flags: [String], ending: String, code: Int32) throws {
        try Harness.requirePIDNamespaces()
        try Harness.withTemporaryDirectory { directory in
            let worker = try worker(directory, secondsToSave: "0.2")
            let child = try Harness.writeScript(
                directory, "child.sh",
                """
                [ -s \(directory)/ready ] || \(worker) &
                i=0; while [ ! -s \(directory)/ready ] && [ $i -lt 1000 ]; do i=$((i+1)); sleep 0.01; done
                \(ending)
                """)
            let result = try Harness.shell(
                "unshare --pid --fork --mount-proc \"$REBOUND\" --grace 5 \(flags.joined(separator: " ")) -- \(child); echo \"status=$?\""
            )
            #expect(result.stdout.contains("status=\(code)"), "\(result)")
            #expect(read(directory + "/saved") == "TERM\n", "\(result)")
        }
    }

    /// The two ways a SIGTERM ends rebound without the child's help drain too: a --stop-timeout that
    /// fired (the child ignored SIGTERM and was SIGKILLed: 137), and a SIGTERM during a restart delay (143).
    @Test(arguments: [("stop-timeout", Int32(137)), ("restart-delay", Int32(143))])
    func stopTimeoutAndStopDuringADelayDrainToo(path: String, code: Int32) throws {
        try Harness.requirePIDNamespaces()
        try Harness.withTemporaryDirectory { directory in
            let worker = try worker(directory, secondsToSave: "0.2")
            let child =
                path == "stop-timeout"
                ? try Harness.writeScript(
                    directory, "child.sh", "\(worker) &\ntrap '' TERM\necho started >&2\nwhile :; do sleep 0.05; done\n")
                : try Harness.writeScript(directory, "child.sh", "[ -s \(directory)/ready ] || \(worker) &\nsleep 0.2\nexit 1\n")
            let flags = path == "stop-timeout" ? "--stop-timeout 0.3" : "-d 60"
            let readiness = path == "stop-timeout" ? "started" : "restarting (1)"
            let result = try Harness.shell(
                SwinitFeatureTests.prelude + """
                    unshare --pid --fork --mount-proc "$REBOUND" --grace 5 \(flags) -- \(child) 2> \(directory)/err & u=$!
                    wait_for \(directory)/ready
                    wait_for_text \(directory)/err "\(readiness)"
                    kill -TERM "$(child_of $u)"
                    wait $u; echo "status=$?"
                    cat \(directory)/err >&2
                    """)
            #expect(result.stdout.contains("status=\(code)"), "\(result)")
            #expect(read(directory + "/saved") == "TERM\n", "\(result)")
            #expect(result.stderr.contains("rebound: grace: every process left in time"), "\(result.stderr)")
        }
    }

    /// A worker that ignores the drain's signal is SIGKILLed when the grace period ends, promptly, and
    /// rebound still exits with its own code.
    @Test func stragglersAreKilledWhenTheGracePeriodEnds() throws {
        try Harness.requirePIDNamespaces()
        try Harness.withTemporaryDirectory { directory in
            let stubborn = try Harness.writeScript(
                directory, "stubborn.sh", "trap '' TERM\necho $$ > \(directory)/ready\nwhile :; do sleep 0.05; done\n")
            let child = try Harness.writeScript(
                directory, "child.sh",
                """
                \(stubborn) &
                i=0; while [ ! -s \(directory)/ready ] && [ $i -lt 1000 ]; do i=$((i+1)); sleep 0.01; done
                exit 0
                """)
            let started = Date()
            let result = try Harness.shell(
                "unshare --pid --fork --mount-proc \"$REBOUND\" -r 1 --grace 0.5 -- \(child); echo \"status=$?\"")
            let took = Date().timeIntervalSince(started)
            #expect(result.stdout.contains("status=0"), "\(result)")
            #expect(result.stderr.contains("rebound: grace: still running after 0.5 s, sending SIGKILL: "), "\(result.stderr)")
            // The straggler ignores SIGTERM forever: only the SIGKILL after the grace ends the run.
            #expect(took >= 0.5, "took \(took) s")
        }
    }

    /// As a subreaper (not PID 1) the kernel kills nothing when rebound exits: the straggler is gone
    /// only because the drain's SIGKILL reached it.
    @Test func asASubreaperStragglersAreKilledWhenTheGracePeriodEnds() throws {
        try Harness.requireSubreaper()
        try Harness.requirePIDNamespaces()
        try Harness.withTemporaryDirectory { directory in
            let result = try SwinitFeatureTests.drainAsSubreaper("\"$REBOUND\" -r 1 --grace 0.5", exitCode: 0, in: directory)
            #expect(result.stdout.contains("status=0"), "\(result)")
            #expect(result.stdout.contains("straggler=gone"), "the straggler outlived rebound's --grace: \(result)")
        }
    }

    /// As a subreaper (not PID 1) the drain reaches rebound's descendants only: a sibling started by
    /// the same shell survives.
    @Test func subreaperDrainsOnlyItsOwnDescendants() throws {
        try Harness.requirePIDNamespaces()
        try Harness.requireSubreaper()
        try Harness.withTemporaryDirectory { directory in
            let worker = try worker(directory, secondsToSave: "0.2")
            let child = try Harness.writeScript(
                directory, "child.sh",
                """
                \(worker) &
                i=0; while [ ! -s \(directory)/ready ] && [ $i -lt 1000 ]; do i=$((i+1)); sleep 0.01; done
                exit 0
                """)
            let result = try Harness.shell(
                """
                unshare --pid --fork --mount-proc sh -c '
                    sleep 30 & outsider=$!
                    "$REBOUND" -r 1 --grace 5 -- \(child); echo "status=$?"
                    if kill -0 $outsider 2>/dev/null; then echo outsider-alive; kill $outsider; fi
                '
                """)
            #expect(result.stdout.contains("status=0"), "\(result)")
            #expect(read(directory + "/saved") == "TERM\n", "the adopted worker did not get SIGTERM and its time: \(result)")
            #expect(result.stdout.contains("outsider-alive"), "rebound signalled a process outside its tree: \(result)")
        }
    }

    /// The database-pod promise: a daemon the first run of the child started (re-parented to rebound)
    /// keeps running, with the same pid, through every crash and restart of the child; rebound
    /// never signals it while restarting.
    @Test func aDaemonTheChildStartedSurvivesEveryRestart() throws {
        try Harness.requirePIDNamespaces()
        try Harness.withTemporaryDirectory { directory in
            // The daemon double-forks away from the child, like pg_ctl's postmaster.
            let child = try Harness.writeScript(
                directory, "child.sh",
                """
                ulimit -c 0
                if [ ! -s \(directory)/daemon ]; then
                    ( sh -c 'trap "echo signalled >> \(directory)/daemon-log" TERM INT HUP USR1; while :; do sleep 0.05; done' &
                      echo $! > \(directory)/daemon ) &
                    i=0; while [ ! -s \(directory)/daemon ] && [ $i -lt 1000 ]; do i=$((i+1)); sleep 0.01; done
                fi
                d=$(cat \(directory)/daemon)
                if kill -0 "$d" 2>/dev/null; then echo "alive $d parent $(awk '{print $4}' /proc/$d/stat)" >> \(directory)/runs
                else echo "gone $d" >> \(directory)/runs; fi
                kill -SEGV $$
                """)
            let result = try Harness.shell("unshare --pid --fork --mount-proc \"$REBOUND\" -r 3 -- \(child); echo \"status=$?\"")
            #expect(result.stdout.contains("status=139"), "\(result)")
            let runs = (read(directory + "/runs") ?? "").split(separator: "\n").map(String.init)
            #expect(runs.count == 4, "\(runs) \(result)")
            #expect(Set(runs).count == 1, "the daemon's pid changed or it went away: \(runs)")
            #expect(
                runs.first?.hasPrefix("alive ") == true && runs.first?.hasSuffix(" parent 1") == true,
                "the daemon should be alive and re-parented to rebound: \(runs)")
            #expect(read(directory + "/daemon-log") == nil, "rebound signalled the daemon while restarting")
            #expect(result.stderr.components(separatedBy: "killed by signal 11, restarting").count == 4, "\(result.stderr)")
        }
    }
}
