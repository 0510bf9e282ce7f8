import Foundation
import Testing
import TestSupport

/// Examples/timeout is a drop-in for GNU coreutils' timeout: each case runs both, side by side, and
/// expects the same exit status and the same standard error (with each program's own path replaced
/// by "timeout", as GNU names itself by its argv[0]).
@Suite struct TimeoutExampleTests {
    static let gnu = Harness.executable("/usr/bin/timeout", "/bin/timeout")
    static var ours: String { Harness.binary("timeout") }

    /// Runs `timeout ARGS` in a shell as `$TIMEOUT`, with the C locale (GNU quotes names 'so' there).
    static func run(_ timeout: String, _ arguments: String, in directory: String) throws -> ProgramRun {
        var environment = ProcessInfo.processInfo.environment
        environment["LC_ALL"] = "C"
        environment["TIMEOUT"] = timeout
        let script = "cd '\(directory)' && \"$TIMEOUT\" \(arguments)"
        var result = try Harness.run("/bin/sh", ["-c", script], environment: environment)
        result.stderr = Self.withoutSanitizerNotes(result.stderr.replacingOccurrences(of: timeout, with: "timeout"))
        return result
    }

    /// `text` without what a sanitizer build (scripts/test-sanitizers) adds to standard error, such as
    /// AddressSanitizer's note when a child that failed to exec leaves through `_exit`.
    static func withoutSanitizerNotes(_ text: String) -> String {
        guard ProcessInfo.processInfo.environment["PROCESSKIT_SANITIZER"] != nil else { return text }
        let notes = ["False positive error reports may follow", "For details see https://github.com/google/sanitizers"]
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { line in !line.hasPrefix("==") && !notes.contains { line.hasPrefix($0) } }
            .joined(separator: "\n")
    }

    static let cases: [String] = [
        // Command lines timeout refuses: 125 and GNU's messages.
        "", "1", "-x 1 true", "--foo 1 true", "--ver 1 true", "--foreground=1 1 true", "-k", "--kill-after",
        "-s", "-s FOO 1 true", "-s 99 1 true", "-s 32 1 true", "-s '' 1 true", "-s +9 1 true",
        "1x true", "1s5 true", "1.5.5 true", "nan true", "'' true", "1e true", "-1 true", "1S true",
        // Accepted spellings.
        "-s sigterm 1 true", "-s 137 1 true", "-s 0 1 true", "-s EXIT 1 true", "-s rtmin+1 1 true", "-s IOT 1 true",
        "1e1 true", "0x10 true", "0x1p3 true", "inf true", "INFINITY true", "' 1' true", ".5 true", "1. true", "+1 true",
        "1m true", "1h true", "1d true", "1e999 true", "-- 1 true", "--pres --fore -k1 1 true",
        "--kill-after=1 --signal=HUP 1 true", "--sig HUP 1 true", "-vk 1 1 true",
        // The command's own status, and failures to run it.
        "1 sh -c 'exit 3'", "0 sh -c 'exit 9'", "1 nosuchcommand", "10 .", "1 /etc", "1 ./not-executable", "1 -- true",
        "1 sh -c 'kill -SEGV $$'", "1 sh -c 'kill -INT $$'",
        // Timing out.
        "0.1 sleep 10", "-v 0.1 sleep 10", "-v -s INT 0.1 sleep 10", "-v -s 35 0.1 sleep 10",
        "--preserve-status 0.1 sleep 10", "--preserve-status -s INT 0.1 sleep 10",
        "0.1 sh -c 'trap \"\" TERM; sleep 1; exit 4'",
        "-v -k 0.2 0.1 sh -c 'trap \"\" TERM; sleep 10; exit 4'",
        "--foreground -v -k 0.2 0.1 sh -c 'trap \"\" TERM; sleep 10; exit 4'",
        "--preserve-status -k 0.2 0.1 sh -c 'trap \"\" TERM; sleep 10'",
        "--preserve-status 0.1 sh -c 'trap \"exit 5\" TERM; sleep 10 & wait'",
        "-s 0 -k 0.2 0.1 sleep 10", "-s KILL 0.1 sleep 10", "-k 0.1 -s CONT 0.1 sleep 10",
        "--foreground -k 0.1 -s CONT 0.1 sleep 10",
    ]

    @Test(arguments: cases) func behavesAsGNUTimeout(_ arguments: String) throws {
        let gnu = try #require(Self.gnu, "GNU timeout is not installed")
        try Harness.withTemporaryDirectory { directory in
            _ = FileManager.default.createFile(atPath: directory + "/not-executable", contents: Data("true\n".utf8))
            let theirs = try Self.run(gnu, arguments, in: directory)
            let ours = try Self.run(Self.ours, arguments, in: directory)
            #expect(ours.status == theirs.status, "timeout \(arguments): ours \(ours.status), GNU \(theirs.status)")
            #expect(ours.stderr == theirs.stderr, "timeout \(arguments)")
            #expect(ours.stdout == theirs.stdout, "timeout \(arguments)")
        }
    }

    /// Started with a SIGALRM already pending (blocked by the caller, which then exec'd timeout), timeout
    /// takes it as the time running out at once: GNU sends the signal to its child before the exec, so
    /// the command, if it could have run at all, is ended before it does anything, and the status is
    /// that of a timeout (124 even when the command cannot be found). Whether GNU's child gets as far
    /// as its exec is a race, so where that would show only what is certain is compared.
    enum PendingAlarmComparison: Sendable, CustomTestStringConvertible {
        /// The status and standard error.
        case statusAndMessages
        /// The status only: whether the "cannot run" message comes first is the race.
        case status
        /// With --preserve-status and a command that cannot run, the status is the child's: 127 when
        /// its exec failed first, 143 when the signal came first; each tool must give one of them.
        case statusAmong(Set<Int32>)

        var testDescription: String {
            switch self {
            case .statusAndMessages: "status and messages"
            case .status: "status"
            case .statusAmong(let statuses): "status among \(statuses.sorted())"
            }
        }
    }

    static let pendingAlarmCases: [(arguments: String, comparison: PendingAlarmComparison)] = [
        ("10 sleep 10", .statusAndMessages), ("-v 10 sleep 10", .statusAndMessages),
        ("--preserve-status 10 sleep 10", .statusAndMessages), ("-s KILL 10 sleep 10", .statusAndMessages),
        ("--foreground -s KILL 10 sleep 10", .statusAndMessages), ("-k 1 10 sleep 10", .statusAndMessages),
        ("-s ALRM --preserve-status 10 sh -c 'exit 3'", .statusAndMessages), ("-s 0 5 sh -c 'exit 3'", .statusAndMessages),
        ("-s 0 --preserve-status 5 sh -c 'exit 3'", .statusAndMessages), ("-s 0 10 nosuchcommand", .statusAndMessages),
        ("10 nosuchcommand", .status), ("--preserve-status 10 nosuchcommand", .statusAmong([127, 143])),
    ]

    @Test(arguments: pendingAlarmCases)
    func aSIGALRMPendingAtTheStartIsTheTimeRunningOut(_ arguments: String, _ comparison: PendingAlarmComparison) throws {
        let gnu = try #require(Self.gnu, "GNU timeout is not installed")
        let launcher =
            "import os, signal, sys; signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM}); "
            + "os.kill(os.getpid(), signal.SIGALRM); os.execv(sys.argv[1], sys.argv[1:])"
        func run(_ timeout: String) throws -> ProgramRun {
            var environment = ProcessInfo.processInfo.environment
            environment["LC_ALL"] = "C"
            environment["TIMEOUT"] = timeout
            environment["LAUNCHER"] = launcher
            var result = try Harness.run(
                "/bin/sh", ["-c", "exec python3 -c \"$LAUNCHER\" \"$TIMEOUT\" \(arguments)"],
                environment: environment, timeout: 120)
            result.stderr = Self.withoutSanitizerNotes(result.stderr.replacingOccurrences(of: timeout, with: "timeout"))
            return result
        }
        let theirs = try run(gnu)
        let ours = try run(Self.ours)
        switch comparison {
        case .statusAndMessages:
            #expect(ours.status == theirs.status, "timeout \(arguments): ours \(ours.status), GNU \(theirs.status)")
            #expect(ours.stderr == theirs.stderr, "timeout \(arguments)")
        case .status:
            #expect(ours.status == theirs.status, "timeout \(arguments): ours \(ours.status), GNU \(theirs.status)")
        case .statusAmong(let statuses):
            #expect(
                statuses.contains(ours.status) && statuses.contains(theirs.status),
                "timeout \(arguments): ours \(ours.status), GNU \(theirs.status), expected one of \(statuses.sorted())")
        }
    }

    /// What the command started is timed out with it: timeout signals its whole process group.
    @Test func theCommandsChildrenAreTimedOutToo() throws {
        try Harness.withTemporaryDirectory { directory in
            let result = try Self.run(Self.ours, "0.2 sh -c 'sleep 100 & echo $! > grandchild; wait'", in: directory)
            #expect(result.status == 124)
            let pid = try #require(
                Int32(
                    String(contentsOfFile: directory + "/grandchild", encoding: .utf8)
                        .trimmingCharacters(in: .whitespacesAndNewlines)))
            // It was killed; its zombie goes to whoever reaps orphans here, so allow a moment.
            let deadline = Date().addingTimeInterval(10)
            while Self.isRunning(pid), Date() < deadline { usleep(10_000) }
            #expect(!Self.isRunning(pid), "the grandchild \(pid) outlived timeout")
        }
    }

    /// A signal timeout receives goes on to the command; timeout then dies of it as the command did.
    @Test func aSignalToTimeoutReachesTheCommand() throws {
        let gnu = try #require(Self.gnu, "GNU timeout is not installed")
        for timeout in [gnu, Self.ours] {
            try Harness.withTemporaryDirectory { directory in
                let script = """
                    "$TIMEOUT" 30 sh -c 'echo started > ready; exec sleep 30' & pid=$!
                    i=0; while [ ! -s ready ] && [ $i -lt 2000 ]; do sleep 0.01; i=$((i+1)); done
                    kill -TERM $pid; wait $pid; echo "status $?"
                    """
                var environment = ProcessInfo.processInfo.environment
                environment["TIMEOUT"] = timeout
                // cd on a line of its own: `cd && timeout &` would put the pair in a subshell, and $! would be that.
                let result = try Harness.run(
                    "/bin/sh", ["-c", "cd '\(directory)' || exit\n\(script)"], environment: environment,
                    timeout: 120)
                #expect(result.stdout == "status 143\n", "\(timeout): \(result.stdout) \(result.stderr)")
            }
        }
    }

    /// Runs `script` in sh with `$TIMEOUT` set to `timeout`, in `directory`.
    static func runScript(_ script: String, timeout: String, in directory: String) throws -> ProgramRun {
        var environment = ProcessInfo.processInfo.environment
        environment["TIMEOUT"] = timeout
        // cd on a line of its own: `cd && timeout &` would put the pair in a subshell, and $! would be that.
        return try Harness.run(
            "/bin/sh", ["-c", "cd '\(directory)' || exit\n\(Harness.shellWaits)\(script)"],
            environment: environment, timeout: 120)
    }

    /// Started with SIGCHLD ignored, timeout sets it back to its default action before it starts the
    /// command, as GNU's does: left ignored, the kernel would reap the command itself, no SIGCHLD
    /// would come, and timeout would wait for ever. It returns the command's status at once.
    @Test func aCallerThatIgnoresSIGCHLD() throws {
        let gnu = try #require(Self.gnu, "GNU timeout is not installed")
        // bash, not dash: dash's `trap '' CHLD` leaves SIGCHLD at its default action.
        let bash = try #require(Harness.executable("/bin/bash", "/usr/bin/bash"), "needs bash")
        for timeout in [gnu, Self.ours] {
            let result = try Harness.run(bash, ["-c", "trap '' CHLD; exec \"$0\" 30 sh -c 'exit 5'", timeout], timeout: 120)
            #expect(result.status == 5, "\(timeout): \(result.stderr)")
        }
    }

    /// The command starts with the signals timeout handles (ALRM, INT, QUIT, HUP, TERM, CHLD and
    /// `-s`'s) at their default action, every other signal timeout inherited as ignored still ignored,
    /// and timeout's own signal mask: what GNU's command gets.
    @Test func theCommandStartsWithTheDispositionsGNUGivesIt() throws {
        let gnu = try #require(Self.gnu, "GNU timeout is not installed")
        // SIGCHLD ignored is aCallerThatIgnoresSIGCHLD's.
        let ignored = InheritedSignals.ignored.filter { $0 != "CHLD" } + ["INT", "QUIT", "TERM", "ALRM", "USR1", "TTOU", "PIPE"]
        func seen(_ timeout: String) throws -> InheritedSignals.Seen {
            try InheritedSignals.run([timeout, "-s", "USR1", "30"], ignoring: ignored, blocking: InheritedSignals.blocked)
        }
        let theirs = try seen(gnu), ours = try seen(Self.ours)
        #expect(theirs.caller.count == 2 && theirs.caller == ours.caller, "GNU \(theirs.caller), ours \(ours.caller)")
        #expect(
            theirs.child.count == 2 && ours.child == theirs.child,
            "SigBlk, SigIgn: GNU's command \(theirs.child), ours \(ours.child)")
    }

    /// Run as a background job, which a non-interactive shell starts with SIGINT and SIGQUIT ignored,
    /// `timeout -s INT` still interrupts the command: its `trap ... INT` runs, as under GNU's. Also
    /// nested, with the ALRM that times the inner timeout out sent to the outer one. Both timeouts send
    /// the signal to the command and to its process group, so it may arrive twice: the trap ignores
    /// the second copy, which would otherwise print its line again.
    @Test(arguments: ["-s INT 25", "-s ALRM 30 \"$TIMEOUT\" --preserve-status -s INT 25"])
    func aBackgroundCommandGetsTheSignalTimeoutSends(_ timeouts: String) throws {
        let gnu = try #require(Self.gnu, "GNU timeout is not installed")
        for timeout in [gnu, Self.ours] {
            try Harness.withTemporaryDirectory { directory in
                try Harness.writeExecutable(
                    """
                    #!/bin/sh
                    trap 'trap "" INT; echo "got INT"; kill $sleeper; exit 7' INT
                    sleep 5 & sleeper=$!
                    echo ready > ready
                    wait $sleeper
                    echo "no INT"
                    """, to: directory + "/command")
                let result = try Self.runScript(
                    """
                    "$TIMEOUT" --preserve-status \(timeouts) ./command & pid=$!
                    wait_for ready
                    kill -ALRM $pid; wait $pid; echo "status $?"
                    """, timeout: timeout, in: directory)
                #expect(result.stdout == "got INT\nstatus 7\n", "\(timeout): \(result.stdout) \(result.stderr)")
            }
        }
    }

    static func isRunning(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        // The state follows the command name in parentheses; a zombie (Z) has ended.
        guard let close = stat.lastIndex(of: ")") else { return false }
        return !stat[close...].dropFirst(2).hasPrefix("Z")
    }
}
