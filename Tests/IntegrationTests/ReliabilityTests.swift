import Foundation
import ProcessKit
import Testing
import TestSupport

/// Storms and faults against the built swinit and rebound: the scenarios (ReliabilityScenarios, which
/// scripts/reliability-report also runs for docs/reliability.md) return figures that these tests check.
/// Serialized: the storms are heavy and should not compete with each other for the CPUs. Every bound
/// is one against a hang, far past what a loaded machine needs, never a speed check.
@Suite(.serialized) struct ReliabilityTests {
    func number(_ figures: [String: String], _ key: String) -> Double? { figures[key].flatMap(Double.init) }

    // MARK: - Storms

    @Test func swinitSurvivesASignalStormAndDeliversEveryRealtimeSignal() throws {
        let figures = try ReliabilityScenarios.run("signal-storm") { try $0.signalStorm() }
        // 100,000 signals: half SIGRTMIN+1 (queued, none may be lost), half standard ones (may coalesce).
        #expect(figures["sent_total"] == "100000")
        #expect(figures["sent_rt"] == "50000")
        #expect(figures["got_rt"] == figures["sent_rt"], "real-time signals lost: \(figures)")
        for kind in ["USR1", "USR2", "HUP", "WINCH", "CONT", "ALRM", "URG"] {
            let sent = number(figures, "sent_" + kind) ?? 0, got = number(figures, "got_" + kind) ?? -1
            #expect(got >= 1 && got <= sent, "SIG\(kind): sent \(sent), child got \(got)")
        }
        #expect(figures["got_CHLD"] == "0", "swinit passed its own SIGCHLD to the child")
        #expect(figures["swinit_exit"] == "23", "swinit did not survive to return the child's code: \(figures)")
        #expect((number(figures, "most_children") ?? 9) <= 1)
        #expect(figures["swinit_stderr_lines"] == "0", "swinit complained: \(figures["swinit_stderr_first"] ?? "")")
    }

    @Test func swinitAsPID1ReapsTenThousandOrphansAtOnce() throws {
        try Harness.requirePIDNamespaces()
        let figures = try ReliabilityScenarios.run("orphan-storm") { try $0.orphanStorm() }
        #expect(figures["orphans"] == "10000")
        #expect(figures["adopted_alive"] == "10000", "the orphans were not all alive and adopted at once: \(figures)")
        #expect(figures["left"] == "0", "processes left after the orphans exited: \(figures)")
        #expect(figures["left_zombies"] == "0")
        #expect(figures["swinit_exit"] == "37", "the main child's exit code was lost: \(figures)")
    }

    // MARK: - Faults

    @Test func forkFailureGivesAClearErrorAndExitCode() throws {
        try Harness.require(geteuid() == 0, "needs root to drop to uid 65534 (root ignores RLIMIT_NPROC)")
        try Harness.require(
            Harness.executable("/usr/bin/prlimit") != nil && Harness.executable("/usr/bin/setpriv") != nil,
            "needs util-linux's prlimit and setpriv")
        let figures = try ReliabilityScenarios.run("fork-failure") { try $0.forkFailure() }
        for binary in ["swinit", "rebound"] {
            #expect(figures[binary + "_fork_exit"] == "1")
            let message = figures[binary + "_fork_message"] ?? ""
            #expect(
                message.contains("/bin/true") && message.contains("fork failed")
                    && message.contains("Resource temporarily unavailable"), "\(binary): \(message)")
        }
    }

    @Test func everyExecFailureHasTheShellsExitCodeAndAMessage() throws {
        let figures = try ReliabilityScenarios.run("exec-errors") { try $0.execErrors() }
        let expected: [(String, Int, String)] = [
            ("enoent", 127, "No such file or directory"), ("enoent_on_path", 127, "No such file or directory"),
            ("eacces", 126, "Permission denied"), ("eacces_directory", 126, "Is a directory"),
            ("enotdir", 127, "Not a directory"), ("eloop", 126, "Too many levels of symbolic links"),
            ("enametoolong", 126, "File name too long"), ("etxtbsy", 126, "Text file busy"),
        ]
        for binary in ["swinit", "rebound"] {
            for (name, code, reason) in expected {
                let message = figures["\(binary)_\(name)_message"] ?? ""
                #expect(figures["\(binary)_\(name)_exit"] == String(code), "\(binary) \(name): \(message)")
                #expect(
                    message.contains(reason) && (message.contains("exec ") || message.contains("/")),
                    "\(binary) \(name): message should name the program and '\(reason)': \(message)")
            }
            // A file without #! is run by /bin/sh, like execvp does; it exits 5.
            #expect(figures["\(binary)_enoexec_exit"] == "5")
        }
    }

    @Test func tooLongAnArgumentListIsReportedAsE2BIG() throws {
        let command = Command("/bin/true", arguments: [String(repeating: "x", count: 200_000)])
        do {
            let child = try command.spawn()
            _ = try? Reaper.wait(for: child.pid)
            Issue.record("a 200 KB argument (over MAX_ARG_STRLEN) was executed")
        } catch {
            #expect(error.step == .exec)
            #expect(error.errno.rawValue == E2BIG)
            #expect(error.shellExitCode == 126)
            #expect(error.description.contains("/bin/true") && error.description.contains("Argument list too long"))
        }
    }

    @Test func closedOrReplacedStandardStreamsNeverCostTheExitCode() throws {
        let figures = try ReliabilityScenarios.run("stdio") { try $0.standardStreams() }
        #expect(figures["swinit_closed_stdio_exit"] == "6", "swinit started with 0, 1 and 2 closed")
        #expect(figures["swinit_child_closes_stdio_exit"] == "4")
        #expect(figures["swinit_child_replaces_stdio_exit"] == "5")
        // stdout and stderr a pipe with no reader, at -vvv: every log line fails with EPIPE.
        for name in ["swinit_closed_pipe", "swinit_closed_pipe_slow_child", "rebound_closed_pipe"] {
            #expect(figures[name + "_exit"] == "7", "\(name): \(figures)")
        }
    }

    @Test func noFileDescriptorLeaksIntoTheChild() throws {
        let figures = try ReliabilityScenarios.run("fd-leak") { try $0.descriptorLeaks() }
        // The caller passed 0, 1, 2 and 5; nothing of swinit's or rebound's own may follow.
        #expect(figures["swinit_child_fds"] == "0,1,2,5")
        #expect(figures["rebound_child_fds"] == "0,1,2,5")
    }

    @Test func theEnvironmentReachesTheChildByteForByte() throws {
        let figures = try ReliabilityScenarios.run("environment") { try $0.environment() }
        for binary in ["swinit", "rebound"] {
            #expect(figures[binary + "_env_exit"] == "0")
            #expect(
                figures[binary + "_env_identical"] == "1",
                "\(binary): the child's /proc/self/environ differs (\(figures[binary + "_env_bytes"] ?? "?") bytes)")
        }
    }

    // MARK: - rebound under fire

    @Test func reboundStaysFlatThroughAThousandCrashes() throws {
        let figures = try ReliabilityScenarios.run("rebound-crash-loop") { try $0.reboundCrashLoop() }
        #expect(figures["crash_loop_exit"] == "3")
        #expect(figures["crash_loop_runs"] == "1000")
        #expect(figures["crash_loop_stderr_lines"] == "0", "-q should keep rebound silent")
        let before = number(figures, "run50_rss_kb") ?? 0, after = number(figures, "run1000_rss_kb") ?? .infinity
        // Under AddressSanitizer freed memory sits in its quarantine, so RSS grows by design; LeakSanitizer
        // checks leaks there instead (scripts/test-sanitizers sets PROCESSKIT_SANITIZER).
        if ProcessInfo.processInfo.environment["PROCESSKIT_SANITIZER"] == nil {
            #expect(before > 0 && after - before <= 512, "VmRSS grew from \(before) kB to \(after) kB over 950 restarts")
        }
        #expect(
            figures["run50_fds"] != nil && figures["run50_fds"] == figures["run1000_fds"],
            "open fds went from \(figures["run50_fds"] ?? "?") to \(figures["run1000_fds"] ?? "?")")
    }

    @Test func sigtermEndsReboundPromptlyInEveryPhase() throws {
        let figures = try ReliabilityScenarios.run("rebound-sigterm") { try $0.reboundSigterm() }
        #expect(figures["while_running_exit"] == "143")
        // The restart delay is 30 s: exiting well under it shows rebound did not sit it out, however
        // loaded the machine.
        #expect(figures["during_delay_exit"] == "143", "SIGTERM during a 30 s -d delay")
        #expect((number(figures, "during_delay_seconds") ?? 99) < 25, "rebound waited out its restart delay")
        // Either the child took the SIGTERM (143) or it had already exited 3 on its own.
        let codes = (figures["random_phase_codes"] ?? "").split(separator: ",").map { $0.split(separator: ":")[0] }
        #expect(
            !codes.isEmpty && codes.allSatisfy { $0 == "143" || $0 == "3" }, "exit codes: \(figures["random_phase_codes"] ?? "")")
    }
}
