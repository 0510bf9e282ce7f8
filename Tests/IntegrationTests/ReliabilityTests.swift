import Foundation
import ProcessKit
import Testing
import TestSupport

/// Storms and faults against the built swinit and rebound. The scenarios live in
/// reliability/drivers.py (with the C helpers in reliability/probe.c, compiled by it with `cc`),
/// shared with scripts/reliability-report; each prints `key=value` figures that these tests check.
/// Serialized: the storms measure time and should not compete with each other for the CPUs.
@Suite(.serialized) struct ReliabilityTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let drivers = repositoryRoot + "/reliability/drivers.py"

    /// Runs one scenario within `timeout` seconds and returns its figures.
    func drive(_ scenario: String, timeout: Double, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: String] {
        try Harness.require(Harness.python3 != nil, "needs python3 to drive the scenarios", sourceLocation: sourceLocation)
        try Harness.require(Harness.executable("/usr/bin/cc", "/bin/cc", "/usr/local/bin/cc") != nil,
                            "needs cc to compile reliability/probe.c", sourceLocation: sourceLocation)
        let result = try Harness.run(Harness.python3!, [ReliabilityTests.drivers, scenario, "--swinit", Harness.swinit,
                                                        "--rebound", Harness.rebound],
                                     timeout: timeout, sourceLocation: sourceLocation)
        #expect(result.status == 0, "driver \(scenario) failed: \(result.stderr)", sourceLocation: sourceLocation)
        var figures: [String: String] = [:]
        for line in result.stdout.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            figures[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        for (key, _) in figures where key.hasSuffix("_hang") {
            Issue.record("\(scenario): \(key.dropLast(5)) did not finish within its bound", sourceLocation: sourceLocation)
        }
        return figures
    }

    func number(_ figures: [String: String], _ key: String) -> Double? { figures[key].flatMap(Double.init) }

    // MARK: - Storms

    @Test func swinitSurvivesASignalStormAndDeliversEveryRealtimeSignal() throws {
        let figures = try drive("signal-storm", timeout: 60)
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
        #expect((number(figures, "storm_seconds") ?? 99) < 20)
    }

    @Test func swinitAsPID1ReapsTenThousandOrphansAtOnce() throws {
        try Harness.requirePIDNamespaces()
        let figures = try drive("orphan-storm", timeout: 120)
        #expect(figures["orphans"] == "10000")
        #expect(figures["adopted_alive"] == "10000", "the orphans were not all alive and adopted at once: \(figures)")
        #expect(figures["left"] == "0", "processes left after the orphans exited: \(figures)")
        #expect(figures["left_zombies"] == "0")
        #expect(figures["swinit_exit"] == "37", "the main child's exit code was lost: \(figures)")
    }

    // MARK: - Faults

    @Test func forkFailureGivesAClearErrorAndExitCode() throws {
        try Harness.require(geteuid() == 0, "needs root to drop to uid 65534 (root ignores RLIMIT_NPROC)")
        let figures = try drive("fork-failure", timeout: 60)
        for binary in ["swinit", "rebound"] {
            #expect(figures[binary + "_fork_exit"] == "1")
            let message = figures[binary + "_fork_message"] ?? ""
            #expect(message.contains("/bin/true") && message.contains("fork failed")
                    && message.contains("Resource temporarily unavailable"), "\(binary): \(message)")
            #expect((number(figures, binary + "_fork_seconds") ?? 99) < 5)
        }
    }

    @Test func everyExecFailureHasTheShellsExitCodeAndAMessage() throws {
        let figures = try drive("exec-errors", timeout: 120)
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
                #expect(message.contains(reason) && (message.contains("exec ") || message.contains("/")),
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
        let figures = try drive("stdio", timeout: 60)
        #expect(figures["swinit_closed_stdio_exit"] == "6", "swinit started with 0, 1 and 2 closed")
        #expect(figures["swinit_child_closes_stdio_exit"] == "4")
        #expect(figures["swinit_child_replaces_stdio_exit"] == "5")
        // stdout and stderr a pipe with no reader, at -vvv: every log line fails with EPIPE.
        for name in ["swinit_closed_pipe", "swinit_closed_pipe_slow_child", "rebound_closed_pipe"] {
            #expect(figures[name + "_exit"] == "7", "\(name): \(figures)")
            #expect((number(figures, name + "_seconds") ?? 99) < 5)
        }
    }

    @Test func noFileDescriptorLeaksIntoTheChild() throws {
        let figures = try drive("fd-leak", timeout: 60)
        // The caller passed 0, 1, 2 and 5; nothing of swinit's or rebound's own may follow.
        #expect(figures["swinit_child_fds"] == "0,1,2,5")
        #expect(figures["rebound_child_fds"] == "0,1,2,5")
    }

    @Test func theEnvironmentReachesTheChildByteForByte() throws {
        let figures = try drive("environment", timeout: 60)
        for binary in ["swinit", "rebound"] {
            #expect(figures[binary + "_env_exit"] == "0")
            #expect(figures[binary + "_env_identical"] == "1",
                    "\(binary): the child's /proc/self/environ differs (\(figures[binary + "_env_bytes"] ?? "?") bytes)")
        }
    }

    // MARK: - rebound under fire

    @Test func reboundStaysFlatThroughAThousandCrashes() throws {
        let figures = try drive("rebound-crash-loop", timeout: 150)
        #expect(figures["crash_loop_exit"] == "3")
        #expect(figures["crash_loop_runs"] == "1000")
        #expect(figures["crash_loop_stderr_lines"] == "0", "-q should keep rebound silent")
        let before = number(figures, "run50_rss_kb") ?? 0, after = number(figures, "run1000_rss_kb") ?? .infinity
        // Under AddressSanitizer freed memory sits in its quarantine, so RSS grows by design; LeakSanitizer
        // checks leaks there instead (scripts/test-sanitizers sets PROCESSKIT_SANITIZER).
        if ProcessInfo.processInfo.environment["PROCESSKIT_SANITIZER"] == nil {
            #expect(before > 0 && after - before <= 512, "VmRSS grew from \(before) kB to \(after) kB over 950 restarts")
        }
        #expect(figures["run50_fds"] != nil && figures["run50_fds"] == figures["run1000_fds"],
                "open fds went from \(figures["run50_fds"] ?? "?") to \(figures["run1000_fds"] ?? "?")")
    }

    @Test func sigtermEndsReboundPromptlyInEveryPhase() throws {
        let figures = try drive("rebound-sigterm", timeout: 150)
        #expect(figures["while_running_exit"] == "143")
        // Bounds against hangs, not speed checks: the restart delay is 30 s, so exiting well under it shows
        // rebound did not sit it out, however loaded the machine.
        #expect((number(figures, "while_running_seconds") ?? 99) < 10)
        #expect(figures["during_delay_exit"] == "143", "SIGTERM during a 30 s -d delay")
        #expect((number(figures, "during_delay_seconds") ?? 99) < 10, "rebound waited out its restart delay")
        #expect(figures["random_phase_hangs"] == "0")
        // Either the child took the SIGTERM (143) or it had already exited 3 on its own.
        let codes = (figures["random_phase_codes"] ?? "").split(separator: ",").map { $0.split(separator: ":")[0] }
        #expect(!codes.isEmpty && codes.allSatisfy { $0 == "143" || $0 == "3" }, "exit codes: \(figures["random_phase_codes"] ?? "")")
        #expect((number(figures, "random_phase_slowest_seconds") ?? 99) < 5)
    }
}
