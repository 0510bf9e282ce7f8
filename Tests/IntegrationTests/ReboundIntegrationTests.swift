import Foundation
import Testing
import TestSupport

/// rebound's log lines with pids replaced by P. Where rebound cannot become a subreaper (under qemu-user,
/// see ``Harness/subreaperWorks``), the one line that says so is dropped: the rest must not change.
func logLines(_ stderr: String) -> [String] {
    stderr.replacingOccurrences(of: "pid [0-9]+", with: "pid P", options: .regularExpression)
        .split(separator: "\n").map(String.init)
        .filter { Harness.subreaperWorks || !$0.contains(Harness.subreaperRefused) }
}

/// Runs the built rebound to its end (bounded, see ``Harness/run``).
func runRebound(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> ProgramRun {
    try Harness.run(Harness.rebound, arguments, sourceLocation: sourceLocation)
}

/// Children here never leave a long-lived grandchild behind: Foundation's `Process` learns of an exit
/// through a socket every descendant inherits (swift-corelibs-foundation#4795), so one that outlives
/// rebound would delay the exit the test waits for.
///
/// Runs whose child exits 0 pass `-r 1` (or a limit just past the restarts they expect): exit 0 must
/// stop rebound anyway, and should that rule break, the limit ends the run at once instead of
/// restarts until the test's bound, so the break fails in seconds.
@Suite struct ReboundIntegrationTests {
    // MARK: Restart rules and log lines

    @Test func exitZeroEndsReboundWithZero() throws {
        let result = try runRebound(["-r", "1", "sh", "-c", "exit 0"])
        #expect(result.status == 0)
        #expect(logLines(result.stderr) == ["rebound: starting sh", "rebound: child (pid P) exited with status 0, exiting"])
    }

    @Test func restartOnZeroRestartsAfterExitZero() throws {
        let result = try runRebound(["-0", "-r", "2", "true"])
        #expect(result.status == 0)
        #expect(
            logLines(result.stderr) == [
                "rebound: starting true", "rebound: child (pid P) exited with status 0, restarting (1)",
                "rebound: starting true", "rebound: child (pid P) exited with status 0, restarting (2)",
                "rebound: starting true", "rebound: child (pid P) exited with status 0",
                "rebound: max restarts (2) reached, exiting",
            ])
    }

    @Test func nonZeroExitRestartsAndMaxRestartsExitsWithTheLastCode() throws {
        let directory = try Harness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Each run exits with a different code: 11, 12, 13.
        let script = "n=$(cat \(directory)/runs 2>/dev/null || echo 0); n=$((n+1)); echo $n > \(directory)/runs; exit $((n+10))"
        let result = try runRebound(["-r", "2", "--", "sh", "-c", script])
        #expect(result.status == 13)
        #expect(
            logLines(result.stderr) == [
                "rebound: starting sh", "rebound: child (pid P) exited with status 11, restarting (1)",
                "rebound: starting sh", "rebound: child (pid P) exited with status 12, restarting (2)",
                "rebound: starting sh", "rebound: child (pid P) exited with status 13",
                "rebound: max restarts (2) reached, exiting",
            ])
    }

    @Test func killedBySignalRestarts() throws {
        let result = try runRebound(["-r", "1", "sh", "-c", "kill -KILL $$"])
        #expect(result.status == 137)
        #expect(
            logLines(result.stderr) == [
                "rebound: starting sh", "rebound: child (pid P) killed by signal 9, restarting (1)",
                "rebound: starting sh", "rebound: child (pid P) killed by signal 9",
                "rebound: max restarts (1) reached, exiting",
            ])
    }

    @Test(arguments: [("TERM", Int32(15)), ("INT", Int32(2))])
    func terminatedBySigtermOrSigintStops(signal: String, number: Int32) throws {
        // `trap - SIG` gives the shell the default action even if the test runner ignores SIGINT.
        let result = try runRebound(["sh", "-c", "trap - \(signal); kill -\(signal) $$"])
        #expect(result.status == 128 + number)
        #expect(
            logLines(result.stderr) == ["rebound: starting sh", "rebound: child (pid P) terminated by signal \(number), exiting"])
    }

    @Test func execFailuresCountAsFailuresWith127Or126() throws {
        try Harness.requireExecFailureReports()
        let missing = try runRebound(["-r", "1", "/nonexistent/program"])
        #expect(missing.status == 127)
        #expect(
            logLines(missing.stderr) == [
                "rebound: starting /nonexistent/program", "rebound: exec /nonexistent/program: No such file or directory",
                "rebound: child (pid P) exited with status 127, restarting (1)",
                "rebound: starting /nonexistent/program", "rebound: exec /nonexistent/program: No such file or directory",
                "rebound: child (pid P) exited with status 127", "rebound: max restarts (1) reached, exiting",
            ])

        let directory = try Harness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let notExecutable = directory + "/not-executable"
        try #require(
            FileManager.default.createFile(
                atPath: notExecutable, contents: Data("#!/bin/sh\n".utf8), attributes: [.posixPermissions: 0o644]))
        let denied = try runRebound(["-r", "1", notExecutable])
        #expect(denied.status == 126)
        #expect(logLines(denied.stderr).contains("rebound: exec \(notExecutable): Permission denied"))
        #expect(logLines(denied.stderr).contains("rebound: child (pid P) exited with status 126, restarting (1)"))
    }

    /// The program and its arguments reach the child byte for byte, UTF-8 or not.
    @Test func argumentsThatAreNotUTF8ReachTheChildUnchanged() throws {
        try Harness.expectArgumentsThatAreNotUTF8Unchanged(through: #""$REBOUND" -r 1 -q"#)
    }

    // MARK: Options

    @Test func quietWritesNothing() throws {
        let result = try runRebound(["-q", "-r", "1", "sh", "-c", "exit 4"])
        #expect(result.status == 4)
        #expect(result.stderr == "")
    }

    @Test func ownGroupPutsTheChildInItsOwnProcessGroup() throws {
        // Field 5 of /proc/PID/stat is the process group; $PPID is rebound.
        let leadsOwnGroup = "read -r _ _ _ _ group _ < /proc/$$/stat; [ \"$group\" = $$ ]"
        let sharesReboundsGroup =
            "read -r _ _ _ _ mine _ < /proc/$$/stat; read -r _ _ _ _ its _ < /proc/$PPID/stat; [ \"$mine\" = \"$its\" ]"
        #expect(try runRebound(["-r", "1", "-g", "sh", "-c", leadsOwnGroup]).status == 0)
        #expect(try runRebound(["-r", "1", "sh", "-c", sharesReboundsGroup]).status == 0)
        #expect(try runRebound(["-r", "1", "-b", "0", "-q", "sh", "-c", leadsOwnGroup + " || exit 0"]).status == 0)
    }

    @Test func restartDelayWaitsBeforeEachRestart() throws {
        let start = ContinuousClock.now
        let result = try runRebound(["-d", "0.15", "-r", "2", "false"])
        let elapsed = seconds(ContinuousClock.now - start)
        #expect(result.status == 1)
        #expect(elapsed >= 0.3, "two restarts with -d 0.15 took only \(elapsed) s")
        #expect(!result.stderr.contains("failing rapidly"))
    }

    @Test func burstOfRapidFailuresThrottlesAndBurstZeroDoesNot() throws {
        let throttled = try runRebound(["-b", "2", "--backoff-max", "0.05", "-r", "4", "false"])
        #expect(throttled.status == 1)
        let lines = logLines(throttled.stderr)
        // Restarts 2, 3 and 4 come after the second rapid failure in a row.
        #expect(lines.filter { $0 == "rebound: child failing rapidly, delaying restart" }.count == 3)
        try #require(lines.count > 4, "\(throttled.stderr)")
        #expect(lines[3] == "rebound: child (pid P) exited with status 1, restarting (2)")
        #expect(lines[4] == "rebound: child failing rapidly, delaying restart")

        let unthrottled = try runRebound(["-b", "0", "-r", "10", "false"])
        #expect(unthrottled.status == 1)
        #expect(!unthrottled.stderr.contains("failing rapidly"))
    }

    @Test func aStableRunResetsTheThrottle() throws {
        let directory = try Harness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Runs 1, 2 and 4 crash at once; run 3 stays up 0.3 s (past --stable-after 0.2); run 5 exits 0.
        let script = """
            n=$(cat \(directory)/runs 2>/dev/null || echo 0); n=$((n+1)); echo $n > \(directory)/runs
            case $n in 3) sleep 0.3; exit 1;; 5) exit 0;; *) exit 1;; esac
            """
        let result = try runRebound(["-r", "5", "-b", "2", "--backoff-max", "0.05", "--stable-after", "0.2", "sh", "-c", script])
        #expect(result.status == 0)
        #expect(
            logLines(result.stderr).filter { !$0.hasPrefix("rebound: starting") } == [
                "rebound: child (pid P) exited with status 1, restarting (1)",
                "rebound: child (pid P) exited with status 1, restarting (2)",
                "rebound: child failing rapidly, delaying restart",
                "rebound: child (pid P) exited with status 1, restarting (3)",
                "rebound: child (pid P) exited with status 1, restarting (4)",
                "rebound: child failing rapidly, delaying restart",
                "rebound: child (pid P) exited with status 0, exiting",
            ])
    }

    @Test func badValuesAndAMissingProgramPrintOneLineAndUsageAndExit1() throws {
        for (arguments, message) in [
            (
                ["-r", "-1", "true"],
                "rebound: not a valid number for --max-restarts: '-1' (use a whole number >= 0, 0 = unlimited)"
            ),
            (["-d", "soon", "true"], "rebound: not a valid number of seconds for --restart-delay: 'soon' (use e.g. 2 or 0.5)"),
            (
                ["--stop-timeout", "-3", "true"],
                "rebound: not a valid number of seconds for --stop-timeout: '-3' (use e.g. 2 or 0.5)"
            ),
            (["-q"], "rebound: no program to run"),
        ] {
            let result = try runRebound(arguments)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderr.split(separator: "\n").first.map(String.init) == message)
            #expect(result.stderr.contains("Usage: rebound [OPTIONS] [--] PROGRAM [ARGS...]"))
        }
    }

    // MARK: Signals

    @Test func sigtermIsForwardedAndReboundExitsWithTheChildsCode() throws {
        let rebound = try BackgroundProcess(
            Harness.rebound, ["sh", "-c", "trap 'exit 7' TERM; echo ready >&2; while :; do sleep 0.05; done"])
        try #require(rebound.waitForOutput("ready"))
        _ = rebound.send(SIGTERM)
        #expect(rebound.waitForExit().status == 7)
        rebound.waitForOutput("shutting down\n")
        #expect(
            logLines(rebound.stderr).suffix(2) == [
                "rebound: received signal 15, forwarding to child", "rebound: child (pid P) exited, shutting down",
            ])
    }

    /// SIGTERM or SIGINT goes to the child; when it dies of it, rebound exits 128 + N, no restart.
    @Test(arguments: [("TERM", SIGTERM), ("INT", SIGINT)])
    func stopSignalKillingTheChildGives128PlusN(name: String, signal: Int32) throws {
        // `trap - SIG` gives the child the default action even if the test runner ignores SIGINT.
        let rebound = try BackgroundProcess(Harness.rebound, ["sh", "-c", "trap - \(name); echo ready >&2; exec sleep 30"])
        try #require(rebound.waitForOutput("ready"))
        _ = rebound.send(signal)
        #expect(rebound.waitForExit().status == 128 + signal)
        rebound.waitForOutput("shutting down\n")
        #expect(
            logLines(rebound.stderr).suffix(2) == [
                "rebound: received signal \(signal), forwarding to child", "rebound: child (pid P) exited, shutting down",
            ])
        #expect(logLines(rebound.stderr).filter { $0.hasPrefix("rebound: starting") }.count == 1)
    }

    @Test func otherSignalsAreForwardedWithoutStopping() throws {
        let rebound = try BackgroundProcess(
            Harness.rebound,
            [
                "sh", "-c", "trap 'echo got USR1 >&2' USR1; trap 'exit 0' TERM; echo ready >&2; while :; do sleep 0.05; done",
            ])
        try #require(rebound.waitForOutput("ready"))
        _ = rebound.send(SIGUSR1)
        rebound.waitForOutput("got USR1")
        _ = rebound.send(SIGTERM)
        #expect(rebound.waitForExit().status == 0)
        #expect(logLines(rebound.stderr).contains("rebound: received signal 10, forwarding to child"))
    }

    @Test(arguments: [
        (["-d", "30", "false"], "restarting (1)", SIGTERM),
        (["-b", "1", "--backoff-max", "30", "false"], "child failing rapidly", SIGINT),
    ])
    func stopSignalDuringADelayEndsReboundAtOnce(arguments: [String], waitFor: String, signal: Int32) throws {
        let rebound = try BackgroundProcess(Harness.rebound, arguments)
        try #require(rebound.waitForOutput(waitFor))
        let sent = rebound.send(signal)
        let exit = rebound.waitForExit()
        let elapsed = seconds(exit.at - sent)
        #expect(exit.status == 128 + signal)
        rebound.waitForOutput("during restart delay, shutting down\n")
        // The delay is 30 s: well under it proves rebound did not sit the delay out, whatever the load.
        #expect(elapsed < 25, "rebound took \(elapsed) s to exit after signal \(signal) during a delay")
        #expect(logLines(rebound.stderr).last == "rebound: received signal \(signal) during restart delay, shutting down")
    }

    @Test func stopTimeoutKillsAChildThatIgnoresSigterm() throws {
        let rebound = try BackgroundProcess(
            Harness.rebound, ["--stop-timeout", "0.2", "sh", "-c", "trap '' TERM; echo ready >&2; exec sleep 30"])
        try #require(rebound.waitForOutput("ready"))
        let sent = rebound.send(SIGTERM)
        let exit = rebound.waitForExit()
        let elapsed = seconds(exit.at - sent)
        #expect(exit.status == 137)
        // The child sleeps 30 s: well under it proves the stop timeout killed it.
        #expect(elapsed >= 0.2 && elapsed < 25, "exited \(elapsed) s after SIGTERM")
        rebound.waitForOutput("shutting down\n")
        #expect(
            logLines(rebound.stderr).suffix(3) == [
                "rebound: received signal 15, forwarding to child",
                "rebound: child (pid P) did not exit within the stop timeout, sending SIGKILL",
                "rebound: child (pid P) exited, shutting down",
            ])
    }

    @Test func stopTimeoutWithOwnGroupKillsTheWholeGroup() throws {
        let rebound = try BackgroundProcess(
            Harness.rebound, ["-g", "--stop-timeout", "0.1", "sh", "-c", "trap '' TERM; sleep 30 & echo \"ready $!\" >&2; wait"])
        try #require(rebound.waitForOutput("ready "))
        try #require(rebound.waitForOutput("\n", after: "ready "))
        let grandchild = try #require(
            rebound.stderr.split(separator: "\n").first { $0.hasPrefix("ready ") }.flatMap { Int32($0.dropFirst(6)) })
        _ = rebound.send(SIGTERM)
        #expect(rebound.waitForExit().status == 137)
        // SIGKILL went to the group, so the grandchild dies too: gone, or a zombie awaiting its new parent.
        let deadline = Date(timeIntervalSinceNow: 60 * Harness.slowdown)
        func alive() -> Bool {
            guard let stat = try? String(contentsOfFile: "/proc/\(grandchild)/stat", encoding: .utf8) else { return false }
            return !stat.contains(") Z ")
        }
        while alive() && Date() < deadline { usleep(10_000) }
        #expect(!alive(), "the grandchild in the child's group outlived --stop-timeout")
    }

    @Test func idleReboundDoesNotWakeUp() throws {
        let rebound = try BackgroundProcess(Harness.rebound, ["sh", "-c", "echo ready >&2; exec sleep 30"])
        try #require(rebound.waitForOutput("ready"))
        // "ready" can come before rebound is back in sigtimedwait: wait (bounded) until it is.
        let wchan = "/proc/\(rebound.pid)/wchan"
        let deadline = Date(timeIntervalSinceNow: 60 * Harness.slowdown)
        func waiting() -> Bool { (try? String(contentsOfFile: wchan, encoding: .utf8))?.hasPrefix("do_sigtimedwait") == true }
        while !waiting() && Date() < deadline { usleep(1_000) }
        try #require(waiting(), "rebound never settled in sigtimedwait")
        func wakeUps() throws -> String {
            let status = try String(contentsOfFile: "/proc/\(rebound.pid)/status", encoding: .utf8)
            return status.split(separator: "\n").filter { $0.contains("ctxt_switches") }.joined(separator: " ")
        }
        let before = try wakeUps()
        usleep(300_000)  // an observation window, not synchronisation
        #expect(try wakeUps() == before)
        _ = rebound.send(SIGTERM)
        #expect(rebound.waitForExit().status == 143)
    }

    /// The child starts with exactly the signal mask and ignored signals rebound was started with:
    /// the synchronous faults, SIGCHLD, a terminal signal and real-time ones included.
    @Test func childStartsWithExactlyTheCallersMaskAndIgnoredSignals() throws {
        try Harness.requireNative("its own C library takes signals 32 and 33, so the child's dispositions are qemu's")
        let seen = try InheritedSignals.run(
            [Harness.rebound, "-r", "1", "-q", "--"], ignoring: InheritedSignals.ignored,
            blocking: InheritedSignals.blocked)
        #expect(seen.run.status == 0, "\(seen.run.stderr)")
        #expect(seen.caller.count == 2 && seen.child == seen.caller, "caller SigBlk, SigIgn \(seen.caller), child \(seen.child)")
    }

    /// A directory found on the PATH ("." joined to any entry is one) fails as execvp fails there:
    /// "Permission denied", 126.
    @Test func aDirectoryFoundOnThePathIsPermissionDenied() throws {
        try Harness.requireExecFailureReports()
        let result = try runRebound(["-r", "1", "--", "."])
        #expect(result.status == 126)
        #expect(logLines(result.stderr).contains("rebound: exec .: Permission denied"), "\(result.stderr)")
    }

    // MARK: Zombies

    /// A child that makes an orphan (its parent exits first), checks the orphan was adopted by
    /// `adopter` ($PPID: rebound), then waits (bounded) for it to be reaped: /proc/PID disappears.
    static let orphanScript = """
        orphan=$(sh -c 'sleep 0.2 >/dev/null 2>&1 & echo $!')
        read -r _ _ _ parent _ < /proc/$orphan/stat
        [ "$parent" = "$PPID" ] || { echo "orphan's parent is $parent, not rebound ($PPID)" >&2; exit 3; }
        i=0; while [ -e /proc/$orphan ] && [ $i -lt 3000 ]; do sleep 0.01; i=$((i+1)); done
        [ ! -e /proc/$orphan ] || { echo "orphan $orphan was not reaped" >&2; exit 4; }
        """

    @Test func reapsAdoptedOrphansAsASubreaper() throws {
        try Harness.requireSubreaper()
        let result = try runRebound(["-r", "1", "sh", "-c", Self.orphanScript])
        #expect(result.status == 0, "\(result.stderr)")
    }

    /// "It never sleeps blind": an orphan the crashed child left behind exits during the 30 s restart
    /// delay and is reaped then (its /proc entry goes; a zombie would keep it), not after the delay.
    @Test func reapsOrphansDuringARestartDelay() throws {
        let directory = try Harness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let rebound = try BackgroundProcess(
            Harness.rebound, ["-d", "30", "sh", "-c", "sleep 0.2 >/dev/null 2>&1 & echo $! > \(directory)/orphan; exit 1"])
        try #require(rebound.waitForOutput("restarting (1)"))
        let text = try #require(Harness.waitForFile(directory + "/orphan"))
        let orphan = try #require(Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)))
        // The delay is 30 s: reaped well before it ends proves it was reaped during the delay.
        let deadline = Date(timeIntervalSinceNow: 20)
        while FileManager.default.fileExists(atPath: "/proc/\(orphan)") && Date() < deadline { usleep(10_000) }
        #expect(!FileManager.default.fileExists(atPath: "/proc/\(orphan)"), "orphan \(orphan) was not reaped during the delay")
        #expect(logLines(rebound.stderr).filter { $0.hasPrefix("rebound: starting") }.count == 1, "the delay was cut short")
        _ = rebound.send(SIGTERM)
        #expect(rebound.waitForExit().status == 143)
    }

    @Test func reapsAdoptedOrphansAsPID1InAPIDNamespace() throws {
        try Harness.requirePIDNamespaces()
        let result = try Harness.run(
            "/usr/bin/unshare",
            [
                "--pid", "--fork", "--mount-proc", Harness.rebound, "-r", "1", "--",
                "sh", "-c", "[ $PPID = 1 ] || exit 5\n" + Self.orphanScript,
            ])
        #expect(result.status == 0, "\(result.stderr)")
    }
}
