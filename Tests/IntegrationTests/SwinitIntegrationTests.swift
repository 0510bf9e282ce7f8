import Foundation
import ProcessKit
import Testing
import TestSupport

/// Runs the built swinit: as PID 1 of a fresh PID namespace (`unshare --pid --fork --mount-proc`)
/// and as a child subreaper (-s) outside one. Every wait is bounded; readiness goes through files.
@Suite struct SwinitIntegrationTests {
    /// How swinit is started in a test.
    enum Mode: String, CaseIterable, CustomTestStringConvertible {
        case pid1, subreaper
        var testDescription: String { rawValue }
    }

    // MARK: Helpers

    /// Writes `text` to `directory/name` and returns the path.
    @discardableResult
    static func write(_ text: String, to name: String, in directory: String) throws -> String {
        let path = directory + "/" + name
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    static func read(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    /// Runs swinit with `arguments` in `mode`: in a new PID namespace (swinit is PID 1 there), or
    /// with -s prepended.
    static func swinit(
        _ mode: Mode, _ arguments: [String], environment: [String: String]? = nil,
        timeout: Double = 10, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> ProgramRun {
        switch mode {
        case .pid1:
            try Harness.requirePIDNamespaces(sourceLocation: sourceLocation)
            return try Harness.run(
                "/usr/bin/unshare", ["--pid", "--fork", "--mount-proc", Harness.swinit] + arguments,
                environment: environment, timeout: timeout, sourceLocation: sourceLocation)
        case .subreaper:
            try Harness.requireSubreaper(sourceLocation: sourceLocation)
            return try Harness.run(
                Harness.swinit, ["-s"] + arguments, environment: environment, timeout: timeout,
                sourceLocation: sourceLocation)
        }
    }

    // MARK: Information and usage

    @Test func versionHelpAndLicenseGoToStandardOutput() throws {
        let version = try Harness.run(Harness.swinit, ["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.hasPrefix("swinit version "))
        #expect(version.stderr.isEmpty)

        for flag in ["-h", "--help"] {
            let help = try Harness.run(Harness.swinit, [flag])
            #expect(help.status == 0)
            #expect(help.stdout.contains("Usage: swinit"))
            #expect(help.stdout.contains("-e EXIT_CODE"))
            #expect(help.stderr.isEmpty)
        }

        let license = try Harness.run(Harness.swinit, ["-l"])
        #expect(license.status == 0)
        #expect(license.stdout.contains("Permission is hereby granted"))
        #expect(license.stderr.isEmpty)
    }

    @Test(
        arguments: [
            ([], "no program"), (["-s"], "no program"), (["-e", "256", "true"], "'256'"), (["-e", "-1", "true"], "'-1'"),
            (["-e", "abc", "true"], "'abc'"), (["-p", "NOPE", "true"], "'NOPE'"), (["-x", "true"], "-x"), (["-e"], "-e"),
        ] as [([String], String)])
    func usageErrorsExit1WithAMessageOnStandardError(_ arguments: [String], _ mentioned: String) throws {
        let result = try Harness.run(Harness.swinit, arguments)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("swinit: "))
        #expect(result.stderr.contains(mentioned))
        #expect(result.stderr.contains("Usage:"))
    }

    // MARK: Exec failures, messages

    @Test func execFailuresExit127Or126NamingTheProgram() throws {
        try Harness.requireExecFailureReports()
        try Harness.requireSubreaper()
        try Harness.withTemporaryDirectory { directory in
            let notExecutable = try Self.write("echo hi\n", to: "not-executable", in: directory)
            let cases: [(String, Int32)] = [
                ("/nonexistent/program", 127), ("no-such-program-on-path-42", 127),
                (notExecutable, 126), (directory, 126),
            ]
            for (program, code) in cases {
                let result = try Harness.run(Harness.swinit, ["-s", program, "arg"])
                #expect(result.status == code, "\(program)")
                #expect(result.stderr.contains(program), "\(program): \(result.stderr)")
                #expect(result.stdout.isEmpty)
            }
        }
    }

    @Test func warnsWhenNeitherPID1NorSubreaper() throws {
        try Harness.requireSubreaper()
        let plain = try Harness.run(Harness.swinit, ["true"])
        #expect(plain.status == 0)
        #expect(plain.stderr.contains("zombie reaping won't work"))
        #expect(plain.stdout.isEmpty)

        let subreaper = try Harness.run(Harness.swinit, ["-s", "true"])
        #expect(subreaper.status == 0)
        #expect(subreaper.stderr.isEmpty)

        for variable in ["TINI_SUBREAPER", "SWINIT_SUBREAPER"] {
            var environment = ProcessInfo.processInfo.environment
            environment[variable] = "1"
            let fromEnvironment = try Harness.run(Harness.swinit, ["true"], environment: environment)
            #expect(fromEnvironment.stderr.isEmpty, "\(variable)")
        }

        // -v 0 (TINI_VERBOSITY=0) silences the warning.
        var quiet = ProcessInfo.processInfo.environment
        quiet["TINI_VERBOSITY"] = "0"
        #expect(try Harness.run(Harness.swinit, ["true"], environment: quiet).stderr.isEmpty)
    }

    /// A TINI_VERBOSITY tini would start with (it reads it with atoi) starts swinit too, with one warning.
    @Test func verbosityThatIsNotANumberStartsTheChildWithAWarning() throws {
        try Harness.requireSubreaper()
        var environment = ProcessInfo.processInfo.environment
        environment["TINI_VERBOSITY"] = "loud"
        let result = try Harness.run(Harness.swinit, ["-s", "sh", "-c", "exit 5"], environment: environment)
        #expect(result.status == 5)
        let lines = result.stderr.split(separator: "\n")
        #expect(
            lines.count == 1 && lines[0].hasPrefix("[WARN  swinit (") && lines[0].contains("'loud'; using 0"),
            "\(result.stderr)")
    }

    @Test func noWarningAsPID1() throws {
        let result = try Self.swinit(.pid1, ["true"])
        #expect(result.status == 0)
        #expect(!result.stderr.contains("zombie reaping won't work"), "\(result.stderr)")
    }

    @Test func messagesGoToStandardErrorNotStandardOutput() throws {
        try Harness.requireSubreaper()
        let result = try Harness.run(Harness.swinit, ["-s", "-vvv", "sh", "-c", "echo out; echo err >&2"])
        #expect(result.status == 0)
        #expect(result.stdout == "out\n")
        #expect(result.stderr.contains("[INFO  swinit"))
        #expect(result.stderr.contains("Spawned child process 'sh'"))
        #expect(result.stderr.contains("Main child exited normally (with status '0')"))
        #expect(result.stderr.contains("err\n"))
    }

    /// Every message carries its level and swinit's pid: 1 as PID 1 of a namespace, its own pid otherwise.
    @Test func messagesCarryTheLevelAndSwinitsPid() throws {
        let pid1 = try Self.swinit(.pid1, ["-vvv", "true"])
        #expect(pid1.status == 0)
        let lines = pid1.stderr.split(separator: "\n")
        #expect(lines.count >= 2, "\(pid1.stderr)")
        for line in lines {
            #expect(["[INFO  swinit (1)] ", "[DEBUG swinit (1)] "].contains { line.hasPrefix($0) }, "\(line)")
        }

        // Not PID 1: the shell execs swinit, so its $$ is swinit's pid.
        let plain = try Harness.shell(#"echo "pid=$$" >&2; exec "$SWINIT" true"#)
        #expect(plain.status == 0)
        let pid = try #require(
            plain.stderr.split(separator: "\n").first { $0.hasPrefix("pid=") }?.dropFirst(4), "\(plain.stderr)")
        #expect(plain.stderr.contains("[WARN  swinit (\(pid))] swinit is not running as PID 1"), "\(plain.stderr)")
    }

    /// Like tini, swinit hands the program and its arguments on byte for byte, UTF-8 or not.
    @Test func argumentsThatAreNotUTF8ReachTheChildUnchanged() throws {
        try Harness.requireSubreaper()
        try Harness.expectArgumentsThatAreNotUTF8Unchanged(through: #""$SWINIT" -s"#)
    }

    // MARK: Exit codes

    /// Every exit code 0...255 comes back as is; -e CODE turns it into 0 and leaves other codes alone.
    @Test func everyExitCodeWithAndWithoutRemapping() throws {
        try Harness.requireSubreaper()
        let result = try Harness.shell(
            """
            i=0
            while [ $i -le 255 ]; do
                "$SWINIT" -s sh -c "exit $i"; r=$?
                [ $r -eq $i ] || echo "plain: exit $i gave $r"
                "$SWINIT" -s -e $i sh -c "exit $i"; r=$?
                [ $r -eq 0 ] || echo "-e $i: exit $i gave $r"
                other=$(( (i + 1) % 256 ))
                "$SWINIT" -s -e$other sh -c "exit $i"; r=$?
                [ $r -eq $i ] || echo "-e $other: exit $i gave $r"
                i=$((i + 1))
            done
            echo "checked $i"
            """, timeout: 240)
        #expect(result.status == 0)
        #expect(result.stdout == "checked 256\n")
        #expect(result.stderr.isEmpty)
    }

    @Test(arguments: Mode.allCases)
    func childKilledBySignalGives128PlusN(_ mode: Mode) throws {
        #expect(try Self.swinit(mode, ["sh", "-c", "kill -KILL $$"]).status == 137)
        #expect(try Self.swinit(mode, ["-e", "137", "sh", "-c", "kill -KILL $$"]).status == 0)
    }

    // MARK: Signals

    /// A signal sent to swinit reaches the child; the child dies of it (default action) and swinit
    /// exits by itself with 128 + N. The signal goes to swinit's own pid: from inside the namespace
    /// that is pid 1, outside it the pid the child reports as its parent (and the shell as $!).
    @Test(arguments: Mode.allCases, [("TERM", 15), ("USR1", 10), ("USR2", 12), ("HUP", 1)] as [(String, Int32)])
    func forwardsSignalsToTheChild(_ mode: Mode, _ signal: (name: String, number: Int32)) throws {
        let result: ProgramRun
        switch mode {
        case .pid1:
            // The child signals pid 1 (swinit) and then becomes a long sleep.
            result = try Self.swinit(.pid1, ["-vv", "sh", "-c", "kill -\(signal.name) 1; exec sleep 5"])
        case .subreaper:
            try Harness.requireSubreaper()
            result = try Harness.withTemporaryDirectory { directory in
                try Harness.shell(
                    """
                    \(Harness.shellWaits)
                    "$SWINIT" -s -vv sh -c 'echo $PPID > "$1/ready"; exec sleep 5' child "\(directory)" &
                    swinit=$!
                    wait_for "\(directory)/ready"
                    reported=$(cat "\(directory)/ready")
                    [ "$reported" = "$swinit" ] || echo "child reported parent $reported, swinit is $swinit" >&2
                    kill -\(signal.name) "$reported"
                    wait $swinit
                    """)
            }
        }
        #expect(result.status == 128 + signal.number)
        // swinit exited by itself after passing the signal on, rather than being killed by it.
        #expect(result.stderr.contains("Passing signal: 'SIG\(signal.name)'"), "\(result.stderr)")
        #expect(result.stderr.contains("Main child exited with signal"), "\(result.stderr)")
        #expect(!result.stderr.contains("child reported parent"), "\(result.stderr)")
    }

    /// With -g the signal goes to the child's whole process group, reaching a grandchild; without
    /// it only the child gets it. The grandchild is a `sleep` in the child's group: the child traps
    /// SIGUSR1, then ends the grandchild with SIGTERM and records how it died. Had SIGUSR1 reached
    /// the grandchild too, it was pending before the child's SIGTERM and killed it first (138).
    @Test(arguments: [true, false])
    func processGroupOption(_ group: Bool) throws {
        try Harness.requireSubreaper()
        try Harness.withTemporaryDirectory { directory in
            try Self.write(
                """
                sleep 5 & grandchild=$!
                trap 'echo USR1 > "$D/child.usr1"' USR1
                echo $PPID > "$D/ready"
                wait $grandchild
                kill -TERM $grandchild 2>/dev/null
                wait $grandchild
                echo "grandchild $?" > "$D/grandchild.status"
                """, to: "child.sh", in: directory)
            let result = try Harness.shell(
                """
                \(Harness.shellWaits)
                export D="\(directory)"
                "$SWINIT" -s \(group ? "-g" : "") sh "$D/child.sh" &
                swinit=$!
                wait_for "$D/ready"
                kill -USR1 $swinit
                wait $swinit
                """)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(Self.read(directory + "/child.usr1") == "USR1\n")
            let expected = group ? "grandchild 138\n" : "grandchild 143\n"
            #expect(Self.read(directory + "/grandchild.status") == expected, "-g \(group)")
        }
    }

    /// -p SIGUSR1: when swinit's parent dies, swinit gets SIGUSR1 and passes it to the child.
    @Test func parentDeathSignalFires() throws {
        try Harness.requireSubreaper()
        try Harness.withTemporaryDirectory { directory in
            try Self.write(
                """
                trap 'echo USR1 > "$D/got"; kill $sleeper 2>/dev/null; exit 0' USR1
                sleep 5 & sleeper=$!
                echo $PPID > "$D/ready"
                wait $sleeper
                """, to: "child.sh", in: directory)
            // The parent starts swinit in the background and exits once the child is ready.
            let parent = try Harness.shell(
                """
                \(Harness.shellWaits)
                export D="\(directory)"
                "$SWINIT" -s -p SIGUSR1 sh "$D/child.sh" &
                wait_for "$D/ready"
                exit 0
                """)
            #expect(parent.status == 0, "\(parent.stderr)")
            #expect(Harness.waitForFile(directory + "/got") == "USR1\n")
        }
    }

    /// A caller's blocked and ignored signals stay blocked and ignored in the child, while swinit's
    /// own set-up (everything blocked, SIGTTIN/SIGTTOU ignored) does not leak into it.
    @Test func callersBlockedAndIgnoredSignalsReachTheChild() throws {
        try Harness.requireSubreaper()
        let python = Harness.python3
        try Harness.require(python != nil, "needs python3")
        let code = """
            import os, signal, sys
            signal.pthread_sigmask(signal.SIG_SETMASK, {signal.SIGUSR1})
            for s in (signal.SIGTERM, signal.SIGTTIN, signal.SIGTTOU, signal.SIGHUP):
                signal.signal(s, signal.SIG_DFL)
            signal.signal(signal.SIGUSR2, signal.SIG_IGN)
            os.execv(sys.argv[1], sys.argv[1:])
            """
        let result = try Harness.run(
            python!, ["-c", code, Harness.swinit, "-s", "grep", "-E", "^Sig(Blk|Ign):", "/proc/self/status"])
        #expect(result.status == 0, "\(result.stderr)")
        var masks: [String: UInt64] = [:]
        for line in result.stdout.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            masks[String(parts[0])] = UInt64(parts[1].trimmingCharacters(in: .whitespaces), radix: 16)
        }
        let blocked = try #require(masks["SigBlk"], "\(result.stdout)")
        let ignored = try #require(masks["SigIgn"], "\(result.stdout)")
        func bit(_ signal: Int32) -> UInt64 { 1 << UInt64(signal - 1) }
        #expect(blocked == bit(SIGUSR1), "SigBlk \(String(blocked, radix: 16))")
        #expect(ignored & bit(SIGUSR2) != 0, "SigIgn \(String(ignored, radix: 16))")
        for signal in [SIGTERM, SIGHUP, SIGTTIN, SIGTTOU, SIGUSR1] {
            #expect(ignored & bit(signal) == 0, "signal \(signal) ignored: SigIgn \(String(ignored, radix: 16))")
        }
    }

    /// The child starts with exactly the signal mask and ignored signals swinit was started with, as
    /// tini's does: the synchronous faults (which swinit neither blocks nor waits for), SIGCHLD (which
    /// swinit takes back for itself), a terminal signal and real-time ones included.
    @Test func childStartsWithExactlyTheCallersMaskAndIgnoredSignals() throws {
        try Harness.requireSubreaper()
        let ours = try InheritedSignals.run(
            [Harness.swinit, "-s", "--"], ignoring: InheritedSignals.ignored,
            blocking: InheritedSignals.blocked)
        #expect(ours.run.status == 0, "\(ours.run.stderr)")
        #expect(ours.caller.count == 2 && ours.child == ours.caller, "caller SigBlk, SigIgn \(ours.caller), child \(ours.child)")
        // tini, the reference, hands on the same (with SIGCHLD ignored it would hang: the kernel reaps
        // its child, and it never learns of the end).
        let tini = Harness.executable("/usr/bin/tini", "/bin/tini")
        try Harness.require(tini != nil, "needs tini")
        let theirs = try InheritedSignals.run(
            [tini!, "-s", "--"], ignoring: InheritedSignals.ignored.filter { $0 != "CHLD" },
            blocking: InheritedSignals.blocked)
        #expect(theirs.caller.count == 2 && theirs.child == theirs.caller, "tini: caller \(theirs.caller), child \(theirs.child)")
    }

    /// A directory found on the PATH ("." joined to any entry is one) fails as tini's execvp fails
    /// there: "Permission denied", 126.
    @Test func aDirectoryFoundOnThePathFailsAsInTini() throws {
        try Harness.requireSubreaper()
        func withoutPID(_ text: String) -> String {
            text.replacingOccurrences(of: "\\([0-9]+\\)", with: "(P)", options: .regularExpression)
        }
        let ours = try Harness.run(Harness.swinit, ["-s", "--", "."])
        #expect(ours.status == 126)
        #expect(withoutPID(ours.stderr) == "[FATAL swinit (P)] exec . failed: Permission denied\n")
        let tini = Harness.executable("/usr/bin/tini", "/bin/tini")
        try Harness.require(tini != nil, "needs tini")
        let theirs = try Harness.run(tini!, ["-s", "--", "."])
        #expect(theirs.status == ours.status)
        #expect(withoutPID(theirs.stderr).replacingOccurrences(of: "tini", with: "swinit") == withoutPID(ours.stderr))
    }

    /// The synchronous fault signals are neither blocked nor waited for in swinit: one sent to swinit
    /// ends swinit itself (128 + N) instead of being forwarded. The child ignores them all, so a
    /// forwarded one changes nothing and swinit would run on until the child's sleep ended (exit 0).
    /// SWIFT_BACKTRACE=enable=no: the hosted Swift runtime's crash handler would catch the signal; the
    /// handle_* options do the same for a sanitizer runtime's (scripts/test-sanitizers).
    @Test(
        arguments: [("SEGV", 11), ("BUS", 7), ("FPE", 8), ("ILL", 4), ("ABRT", 6), ("TRAP", 5), ("SYS", 31)] as [(String, Int32)])
    func faultSignalsAreNotBlockedInSwinit(_ signal: (name: String, number: Int32)) throws {
        try Harness.requireSubreaper()
        try Harness.withTemporaryDirectory { directory in
            let result = try Harness.shell(
                """
                \(Harness.shellWaits)
                ulimit -c 0
                faults=handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_sigill=0:handle_abort=0:handle_sigtrap=0
                export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}$faults" TSAN_OPTIONS="${TSAN_OPTIONS:+$TSAN_OPTIONS:}$faults"
                SWIFT_BACKTRACE=enable=no "$SWINIT" -s sh -c 'trap "" SEGV BUS FPE ILL ABRT TRAP SYS; echo $$ > "$1/ready"; exec sleep 8' child "\(directory)" &
                swinit=$!
                wait_for "\(directory)/ready"
                kill -\(signal.name) $swinit
                wait $swinit; echo "status=$?"
                kill -KILL "$(cat "\(directory)/ready")" 2>/dev/null
                exit 0
                """)
            #expect(result.stdout == "status=\(128 + signal.number)\n", "\(result)")
        }
    }

    /// When idle swinit sleeps in sigtimedwait with no timer: its context-switch counts do not move.
    /// It ignores SIGTTIN and SIGTTOU (and no other catchable signal, whatever it inherited) so terminal
    /// job control never stops it.
    @Test func idleSwinitDoesNotWakeUpAndIgnoresOnlyTheTerminalSignals() throws {
        try Harness.requireSubreaper()
        try Harness.withTemporaryDirectory { directory in
            let result = try Harness.shell(
                """
                \(Harness.shellWaits)
                "$SWINIT" -s sh -c 'echo ready > "$1/ready"; exec sleep 10' child "\(directory)" &
                swinit=$!
                wait_for "\(directory)/ready"
                n=0; until grep -q sigtimedwait /proc/$swinit/wchan; do n=$((n+1)); [ $n -gt 500 ] && break; sleep 0.01; done
                before=$(grep ctxt_switches /proc/$swinit/status | tr -d '\n')
                sleep 0.5   # an observation window, not synchronisation
                after=$(grep ctxt_switches /proc/$swinit/status | tr -d '\n')
                [ "$before" = "$after" ] && echo idle || echo "woke up: $before -> $after"
                grep '^SigIgn:' /proc/$swinit/status
                kill -TERM $swinit
                wait $swinit; echo "status=$?"
                """)
            let ignored = SignalSet(
                bits: UInt64(
                    result.stdout.split(separator: "\n").first { $0.hasPrefix("SigIgn:") }?
                        .dropFirst(7).trimmingCharacters(in: .whitespaces) ?? "", radix: 16) ?? 0)
            #expect(result.stdout.hasPrefix("idle\n"), "\(result)")
            // (The C library's own real-time numbers, 32 and 33, are not catchable and not swinit's business.)
            #expect(ignored.intersection(.catchable) == [.terminalInput, .terminalOutput], "SigIgn \(ignored)")
            #expect(result.stdout.hasSuffix("status=143\n"), "\(result)")
        }
    }

    /// SIGTTIN and SIGTTOU sent to swinit are dropped, as tini drops them (it ignores them), not passed
    /// on: the child traps both and SIGUSR1, and of the three sent to swinit logs only SIGUSR1.
    @Test func terminalSignalsSentToSwinitAreNotPassedOn() throws {
        try Harness.requireSubreaper()
        try Harness.withTemporaryDirectory { directory in
            let child = try Harness.writeScript(
                directory, "child.sh",
                """
                for s in TTIN TTOU USR1; do trap "echo $s >> \(directory)/log" $s; done
                echo ready > \(directory)/ready
                while :; do sleep 0.02; done
                """)
            let result = try Harness.shell(
                """
                \(Harness.shellWaits)
                "$SWINIT" -s \(child) & swinit=$!
                wait_for \(directory)/ready
                kill -TTIN $swinit; kill -TTOU $swinit
                n=0; while grep -q '^ShdPnd:.*[1-9a-f]' /proc/$swinit/status && [ $n -lt 500 ]; do n=$((n+1)); sleep 0.01; done
                kill -USR1 $swinit
                wait_for_text \(directory)/log USR1
                sleep 0.2   # an observation window for a late SIGTTIN or SIGTTOU, not synchronisation
                kill -TERM $swinit; wait $swinit
                cat \(directory)/log
                """)
            #expect(result.stdout == "USR1\n", "\(result)")
        }
    }

    /// `bash -m` (job control) under swinit in a pseudo-terminal: bash finds its group in the
    /// foreground and `fg` works. Were it in the background, bash would stop itself with SIGTTIN
    /// until it was given the terminal, and the run would time out.
    @Test func bashJobControlWorksUnderSwinit() throws {
        try Harness.requireSubreaper()
        let script = Harness.script
        try Harness.require(script != nil, "needs util-linux script(1)")
        let bash = Harness.executable("/bin/bash", "/usr/bin/bash")
        try Harness.require(bash != nil, "needs bash")
        let result = try Harness.run(
            script!,
            ["-qec", "\(Harness.swinit) -s -- \(bash!) -m -c 'sleep 0.1 & fg %1 >/dev/null; echo \"fg=$?\"'", "/dev/null"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("fg=0"), "\(result)")
        #expect(!result.stdout.contains("job control"), "bash has no job control: \(result)")
    }

    /// Under a pseudo-terminal the child's new process group becomes the terminal's foreground group.
    @Test func childGetsTheTerminalForeground() throws {
        try Harness.requireSubreaper()
        let script = Harness.script
        try Harness.require(script != nil, "needs util-linux script(1)")
        try Harness.withTemporaryDirectory { directory in
            try Self.write("read -r line < /proc/$$/stat; echo \"STAT $line\"\n", to: "stat.sh", in: directory)
            let result = try Harness.run(script!, ["-qec", "\(Harness.swinit) -s sh \(directory)/stat.sh", "/dev/null"])
            #expect(result.status == 0, "\(result.stderr)")
            let line = try #require(
                result.stdout.split(whereSeparator: \.isNewline).first { $0.hasPrefix("STAT ") },
                "\(result.stdout)")
            // pid (comm) state ppid pgrp session tty_nr tpgid ...
            let pid = line.dropFirst(5).split(separator: " ")[0]
            let fields = line.split(separator: ")", maxSplits: 1)[1].split(separator: " ")
            let (pgrp, ttyNumber, tpgid) = (fields[2], fields[4], fields[5])
            #expect(pgrp == pid, "the child leads its own process group")
            #expect(ttyNumber != "0", "the child has the terminal")
            #expect(tpgid == pgrp, "foreground group \(tpgid), child's group \(pgrp)")
        }
    }

    // MARK: Reaping

    /// The child orphans five processes, waits until none of swinit's children but itself is left (and,
    /// with PID1=1, nothing but swinit and itself in the namespace: a process on its way out is waited
    /// for, one left behind fails), and reports what it sees. swinit -w must log each orphan's pid as reaped.
    static let orphanScript = """
        i=0
        while [ $i -lt 5 ]; do
            ( sh -c 'echo $$ >> "$1/orphans"' orphan "$D" & )
            i=$((i + 1))
        done
        tries=0
        while :; do
            others=0; zombies=0; total=0
            for f in /proc/[0-9]*/stat; do
                { read -r line < "$f"; } 2>/dev/null || continue
                total=$((total + 1))
                pid=${line%% *}
                rest=${line##*) }
                state=${rest%% *}
                rest=${rest#* }
                ppid=${rest%% *}
                [ "$state" = Z ] && [ "$ppid" = "$PPID" ] && zombies=$((zombies + 1))
                [ "$ppid" = "$PPID" ] && [ "$pid" != $$ ] && others=$((others + 1))
            done
            lines=0
            [ -f "$D/orphans" ] && while read -r _; do lines=$((lines + 1)); done < "$D/orphans"
            [ $others -eq 0 ] && [ $lines -eq 5 ] && { [ "$PID1" != 1 ] || [ $total -eq 2 ]; } && break
            tries=$((tries + 1))
            [ $tries -gt 3000 ] && break
            sleep 0.01
        done
        echo "others=$others zombies=$zombies total=$total"
        """

    @Test(arguments: Mode.allCases)
    func reapsEveryOrphan(_ mode: Mode) throws {
        try Harness.withTemporaryDirectory { directory in
            let script = try Self.write(Self.orphanScript, to: "orphans.sh", in: directory)
            var environment = ProcessInfo.processInfo.environment
            environment["D"] = directory
            environment["PID1"] = mode == .pid1 ? "1" : "0"
            let result = try Self.swinit(mode, ["-w", "sh", script], environment: environment)
            #expect(result.status == 0, "\(result.stderr)")
            let report = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(report.hasPrefix("others=0 zombies=0 "), "\(report)")
            if mode == .pid1 {
                // Inside the namespace only swinit and the script are left.
                #expect(report.hasSuffix(" total=2"), "\(report)")
            }
            let orphans = Set((Self.read(directory + "/orphans") ?? "").split(separator: "\n").map(String.init))
            #expect(orphans.count == 5)
            let reaped = Set(
                result.stderr.split(separator: "\n").compactMap { line -> String? in
                    guard let range = line.range(of: "Reaped zombie process with pid=") else { return nil }
                    return String(line[range.upperBound...])
                })
            #expect(reaped == orphans, "stderr: \(result.stderr)")
        }
    }
}
