import Foundation
import Testing
import TestSupport

/// The storms and faults that ReliabilityTests asserts on and scripts/reliability-report writes into
/// docs/reliability.md. Each scenario runs the built swinit or rebound and returns its figures as
/// `key: value`; with PROCESSKIT_RELIABILITY_FIGURES set to a directory, each also writes them there as
/// `SCENARIO.txt`, `key=value` lines (the report reads those). The helper processes (a signal sender
/// and counter, an orphan maker, small probes) are reliability/probe.c, compiled once per run with `cc`.
/// Every bound is one against a hang, far past what a loaded machine needs; never a speed check.
struct ReliabilityScenarios {
    let directory: String
    private(set) var figures: [String: String] = [:]
    private let started = ContinuousClock.now

    private init(directory: String) { self.directory = directory }

    /// Runs `body` with a fresh scratch directory and returns the figures it emitted, plus the
    /// scenario's `scenario_seconds`; writes them for the report when asked to.
    static func run(_ scenario: String, _ body: (inout ReliabilityScenarios) throws -> Void) throws -> [String: String] {
        try Harness.withTemporaryDirectory { directory in
            var scenarios = ReliabilityScenarios(directory: directory)
            try body(&scenarios)
            scenarios.emit("scenario_seconds", String(format: "%.1f", seconds(ContinuousClock.now - scenarios.started)))
            if let output = ProcessInfo.processInfo.environment["PROCESSKIT_RELIABILITY_FIGURES"], !output.isEmpty {
                let text = scenarios.figures.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)\n" }.joined()
                try text.write(toFile: output + "/" + scenario + ".txt", atomically: true, encoding: .utf8)
            }
            return scenarios.figures
        }
    }

    mutating func emit(_ key: String, _ value: String) { figures[key] = value }
    mutating func emit(_ key: String, _ value: Int32) { figures[key] = String(value) }

    /// Takes `key=value` lines (a probe's output) as figures.
    mutating func emit(lines text: String) {
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            figures[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
    }

    /// reliability/probe.c, compiled once per test run.
    static let probe: Result<String, any Error> = Result {
        let cc = try #require(
            Harness.executable("/usr/bin/cc", "/bin/cc", "/usr/local/bin/cc"), "needs cc to compile reliability/probe.c")
        let directory = try Harness.temporaryDirectory()
        let compiled = try Harness.run(
            cc, ["-O2", "-o", directory + "/probe", ProbeProgram.repositoryRoot + "/reliability/probe.c"],
            timeout: 300)
        try #require(compiled.status == 0, "reliability/probe.c does not compile: \(compiled.stderr)")
        return directory + "/probe"
    }

    /// Runs `script` with `sh -c` to its end (bounded), `$SWINIT`, `$REBOUND`, `$PROBE` and `$DIR` naming
    /// the binaries under test, the probe and the scratch directory.
    func shell(_ script: String, timeout: Double = 120, sourceLocation: SourceLocation = #_sourceLocation) throws -> ProgramRun {
        try Harness.shell(
            script, environment: ["PROBE": try Self.probe.get(), "DIR": directory], timeout: timeout,
            sourceLocation: sourceLocation)
    }

    /// Like ``shell(_:timeout:sourceLocation:)`` with bash, which can close descriptors above 9.
    func bash(_ script: String, timeout: Double = 120, sourceLocation: SourceLocation = #_sourceLocation) throws -> ProgramRun {
        var environment = ProcessInfo.processInfo.environment
        environment.merge(["SWINIT": Harness.swinit, "REBOUND": Harness.rebound, "PROBE": try Self.probe.get(), "DIR": directory])
        { _, new in new }
        return try Harness.run(
            "/bin/bash", ["-c", script], environment: environment, timeout: timeout, sourceLocation: sourceLocation)
    }

    /// The first line of `text`.
    static func firstLine(_ text: String) -> String {
        text.split(separator: "\n").first.map(String.init) ?? ""
    }

    // MARK: - swinit

    /// 100,000 signals at swinit in a tight loop, half of them SIGRTMIN+1 (queued: none may be lost),
    /// the rest standard ones (they may coalesce), counted by its child.
    mutating func signalStorm() throws {
        let probe = try Self.probe.get()
        let swinit = try BackgroundProcess(
            Harness.swinit,
            [
                "-s", "--", probe, "count-signals", directory + "/ready",
                directory + "/counts", "23",
            ])
        guard Harness.waitForFile(directory + "/ready", timeout: 120) != nil else { return }
        let sender = try BackgroundProcess("/bin/sh", ["-c", "exec \"$0\" send \(swinit.pid) 100000 > \(directory)/sent", probe])
        // While the storm runs, watch swinit's children: only the one child, never a zombie left behind.
        var mostChildren = 0
        while !sender.hasExited {
            guard let children = try? String(contentsOfFile: "/proc/\(swinit.pid)/task/\(swinit.pid)/children", encoding: .utf8)
            else { break }
            mostChildren = max(mostChildren, children.split(separator: " ").count)
            usleep(10_000)
        }
        #expect(sender.waitForExit(timeout: 300).status == 0)
        emit("swinit_exit", swinit.waitForExit(timeout: 120).status)
        emit(lines: (try? String(contentsOfFile: directory + "/sent", encoding: .utf8)) ?? "")
        emit(lines: (try? String(contentsOfFile: directory + "/counts", encoding: .utf8)) ?? "")
        emit("most_children", String(mostChildren))
        let stderr = swinit.stderr.split(separator: "\n")
        emit("swinit_stderr_lines", String(stderr.count))
        if let first = stderr.first { emit("swinit_stderr_first", String(first)) }
    }

    /// 10,000 orphans made at once under swinit as PID 1 of a new PID namespace, all exiting together.
    mutating func orphanStorm() throws {
        let probe = try Self.probe.get()
        let result = try Harness.run(
            "/usr/bin/unshare",
            [
                "--pid", "--fork", "--mount-proc", Harness.swinit, "--",
                probe, "orphans", "10000", "37",
            ], timeout: 600)
        emit(lines: result.stdout)
        emit("swinit_exit", result.status)
        if !result.stderr.isEmpty { emit("swinit_stderr_first", Self.firstLine(result.stderr)) }
    }

    /// fork fails: run as uid 65534 with RLIMIT_NPROC 1 (root ignores the limit). uid 65534 must reach
    /// the binaries, and the checkout may sit in a directory only root can enter (a 0700 mktemp folder,
    /// /root): it runs copies in this scenario's own folder, opened to everyone.
    mutating func forkFailure() throws {
        #expect(chmod(directory, 0o755) == 0)
        for (name, arguments) in [
            ("swinit", ["-s", "--", "/bin/true"]), ("rebound", ["-r", "2", "-b", "0", "--", "/bin/true"]),
        ] {
            let copy = directory + "/" + name
            try FileManager.default.copyItem(atPath: Harness.binary(name), toPath: copy)
            #expect(chmod(copy, 0o755) == 0)
            let started = ContinuousClock.now
            let result = try Harness.run(
                "/usr/bin/prlimit",
                [
                    "--nproc=1:1", "/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
                    "--clear-groups", "--", copy,
                ] + arguments, timeout: 120)
            emit(name + "_fork_exit", result.status)
            emit(name + "_fork_seconds", String(format: "%.2f", seconds(ContinuousClock.now - started)))
            let line = result.stderr.split(separator: "\n").first { $0.contains("fork") }.map(String.init)
            emit(name + "_fork_message", line ?? Self.firstLine(result.stderr))
        }
    }

    /// Every way exec can fail, for both tools: the shell's exit code and the line that explains it.
    mutating func execErrors() throws {
        func make(_ name: String, _ text: String, _ mode: String) throws -> String {
            try Harness.writeExecutable(text, to: directory + "/" + name, mode: mode)
            return directory + "/" + name
        }
        try FileManager.default.createSymbolicLink(atPath: directory + "/loop-a", withDestinationPath: directory + "/loop-b")
        try FileManager.default.createSymbolicLink(atPath: directory + "/loop-b", withDestinationPath: directory + "/loop-a")
        let cases: [(String, String)] = [
            ("enoent", "/nonexistent/program"),
            ("enoent_on_path", "no-such-program-on-path"),
            ("eacces", try make("not-executable", "#!/bin/sh\nexit 0\n", "644")),
            ("eacces_directory", directory),
            ("enoexec", try make("no-shebang", "exit 5\n", "755")),
            ("enotdir", "/etc/passwd/program"),
            ("eloop", directory + "/loop-a"),
            ("enametoolong", "/tmp/" + String(repeating: "n", count: 300)),
            ("etxtbsy", try make("busy", "#!/bin/sh\nexit 0\n", "755")),
        ]
        let busy = try #require(FileHandle(forWritingAtPath: directory + "/busy"))  // open for writing while it is executed
        defer { try? busy.close() }
        for (name, program) in cases {
            for binary in ["swinit", "rebound"] {
                let arguments = binary == "swinit" ? ["-s", "--", program] : ["-r", "1", "--", program]
                let result = try Harness.run(Harness.binary(binary), arguments, timeout: 120)
                emit("\(binary)_\(name)_exit", result.status)
                // The line that explains the failure (rebound logs "starting PROGRAM" first).
                let line = result.stderr.split(separator: "\n").first { !$0.contains("starting ") }.map(String.init) ?? ""
                emit("\(binary)_\(name)_message", line.replacingOccurrences(of: "=", with: ":"))
            }
        }
    }

    /// swinit started with 0, 1 and 2 closed; a child that closes or replaces them; stdout and stderr a
    /// pipe whose reader is gone, where every log line fails with EPIPE (and a SIGPIPE).
    mutating func standardStreams() throws {
        let cases = [
            ("swinit_closed_stdio", #"exec 0<&- 1>&- 2>&-; exec "$SWINIT" -s -vvv -- sh -c 'exit 6'"#),
            ("swinit_child_closes_stdio", #""$SWINIT" -s -- sh -c 'exec 0<&- 1>&- 2>&-; exit 4'"#),
            ("swinit_child_replaces_stdio", #""$SWINIT" -s -- sh -c 'exec 0</dev/null 1>/dev/null 2>&1; echo hi; exit 5'"#),
        ]
        for (name, script) in cases { emit(name + "_exit", try shell(script).status) }
        // The pipe's reader (the first command of the pipeline) has exited before the binary starts.
        let pipes = [
            ("swinit_closed_pipe", #""$SWINIT" -s -vvv -- sh -c 'exit 7'"#),
            ("swinit_closed_pipe_slow_child", #""$SWINIT" -s -vvv -- sh -c 'sleep 0.2; exit 7'"#),
            ("rebound_closed_pipe", #""$REBOUND" -r 2 -b 0 -- sh -c 'sleep 0.1; exit 7'"#),
        ]
        for (name, command) in pipes {
            let started = ContinuousClock.now
            let result = try shell(
                """
                mkfifo "$DIR/\(name)"
                exec 3<>"$DIR/\(name)"
                exec 4>"$DIR/\(name)"
                exec 3<&-
                \(command) >&4 2>&4 4>&-; echo "status=$?" >&2
                """)
            emit(name + "_exit", result.stderr.split(separator: "\n").last.map { String($0.dropFirst("status=".count)) } ?? "")
            emit(name + "_seconds", String(format: "%.2f", seconds(ContinuousClock.now - started)))
        }
    }

    /// The caller passes descriptors 0, 1, 2 and 5: the child must have those and nothing of swinit's or
    /// rebound's own.
    mutating func descriptorLeaks() throws {
        for (name, launcher) in [("swinit", #""$SWINIT" -s -vvv --"#), ("rebound", #""$REBOUND" --"#)] {
            let result = try bash(
                Harness.closeInheritedDescriptors + " exec 5</dev/null; \(launcher) \"$PROBE\" fds \"$DIR/\(name)-fds\"")
            emit(name + "_fds_exit", result.status)
            let listed = (try? String(contentsOfFile: directory + "/\(name)-fds", encoding: .utf8)) ?? ""
            emit(
                name + "_child_fds",
                listed.split(separator: "\n").compactMap { Int($0) }.sorted().map(String.init).joined(separator: ","))
        }
    }

    /// An environment with non-UTF-8 names and values, empty and 100 KB values reaches the child byte
    /// for byte.
    mutating func environment() throws {
        // name=value pairs as printf formats (octal escapes for the bytes that are not UTF-8), in order.
        let pairs: [(String, [UInt8])] = [
            ("PLAIN=value", Array("PLAIN=value".utf8)), ("EMPTY=", Array("EMPTY=".utf8)),
            (#"LATIN1=caf\351"#, Array("LATIN1=caf".utf8) + [0xE9]),
            (#"BAD_UTF8=\377\376\200"#, Array("BAD_UTF8=".utf8) + [0xFF, 0xFE, 0x80]),
            (#"NAME_\303\050=non-UTF-8 name"#, Array("NAME_".utf8) + [0xC3, 0x28] + Array("=non-UTF-8 name".utf8)),
            ("EQUALS=a=b==c", Array("EQUALS=a=b==c".utf8)), (#"NEWLINE=line1\nline2"#, Array("NEWLINE=line1\nline2".utf8)),
            ("SPACES=  x  ", Array("SPACES=  x  ".utf8)),
        ]
        let long = "LONG=" + String(repeating: "L", count: 100_000)
        let libraryPath = "LD_LIBRARY_PATH=" + (ProcessInfo.processInfo.environment["LD_LIBRARY_PATH"] ?? "")
        let entries: [[UInt8]] = pairs.map(\.1) + [Array(long.utf8), Array(libraryPath.utf8), Array("PATH=/usr/bin:/bin".utf8)]
        let expected: [UInt8] = entries.flatMap { $0 + [0] }
        let arguments = pairs.map { "\"$(printf '\($0.0)')\"" }.joined(separator: " ")
        for (name, launcher) in [("swinit", #""$SWINIT" -s --"#), ("rebound", #""$REBOUND" --"#)] {
            let result = try shell(
                """
                long=$(printf '%100000s' '' | tr ' ' L)
                exec env -i \(arguments) "LONG=$long" "\(libraryPath)" PATH=/usr/bin:/bin \
                    \(launcher) /bin/cat /proc/self/environ > "$DIR/\(name)-environ"
                """)
            emit(name + "_env_exit", result.status)
            let got = [UInt8](FileManager.default.contents(atPath: directory + "/\(name)-environ") ?? Data())
            emit(name + "_env_bytes", String(got.count))
            emit(name + "_env_identical", got == expected ? "1" : "0")
        }
    }

    // MARK: - rebound

    /// 1,000 crashes in a row (`-b 0 -q`): rebound's memory and descriptors at run 50 and run 1,000.
    mutating func reboundCrashLoop() throws {
        let counter = directory + "/counter", measure = directory + "/measure"
        let started = ContinuousClock.now
        // Started with only 0-2 open, as from a shell, so its own descriptors are what the probe counts.
        let result = try bash(
            Harness.closeInheritedDescriptors
                + #" exec "$REBOUND" -b 0 -q -r 999 -- "$PROBE" crash "$DIR/counter" "$DIR/measure" 3 50 1000"#,
            timeout: 900)
        emit("crash_loop_seconds", String(format: "%.2f", seconds(ContinuousClock.now - started)))
        emit("crash_loop_exit", result.status)
        emit(
            "crash_loop_runs",
            ((try? String(contentsOfFile: counter, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines))
        emit("crash_loop_stderr_lines", String(result.stderr.split(separator: "\n").count))
        for line in ((try? String(contentsOfFile: measure, encoding: .utf8)) ?? "").split(separator: "\n") {
            let fields = Dictionary(
                line.split(separator: " ").map { field -> (String, String) in
                    let parts = field.split(separator: "=", maxSplits: 1)
                    return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
                }, uniquingKeysWith: { _, last in last })
            let run = fields["run"] ?? "?"
            emit("run\(run)_rss_kb", fields["rss_kb"] ?? "")
            emit("run\(run)_fds", fields["fds"] ?? "")
        }
    }

    /// SIGTERM to rebound while its child runs, during a 30 s restart delay, and at 200 random moments
    /// of a crash loop with no delay (running, exiting, reaped, respawning).
    mutating func reboundSigterm() throws {
        let probe = try Self.probe.get()
        let ready = directory + "/ready"
        let running = try BackgroundProcess(Harness.rebound, ["--", probe, "ready", ready])
        Harness.waitForFile(ready, timeout: 120)
        var sent = running.send(SIGTERM)
        var exit = running.waitForExit(timeout: 120)
        emit("while_running_exit", exit.status)
        emit("while_running_seconds", String(format: "%.3f", seconds(exit.at - sent)))

        let delayed = try BackgroundProcess(
            Harness.rebound, ["-d", "30", "--", probe, "crash", directory + "/delay-counter", "/dev/null", "3"])
        delayed.waitForOutput("restarting (1)", timeout: 120)
        sent = delayed.send(SIGTERM)
        exit = delayed.waitForExit(timeout: 120)
        emit("during_delay_exit", exit.status)
        emit("during_delay_seconds", String(format: "%.3f", seconds(exit.at - sent)))

        var codes: [Int32: Int] = [:], hangs = 0, slowest = 0.0, random = SystemRandomNumberGenerator()
        let trials = 200
        for trial in 0..<trials {
            let counter = directory + "/loop-counter-\(trial)"
            let looping = try BackgroundProcess(
                Harness.rebound, ["-b", "0", "-q", "--", probe, "crash", counter, "/dev/null", "3"])
            guard Harness.waitForFile(counter, timeout: 120) != nil else { break }
            usleep(UInt32.random(in: 0...20_000, using: &random))  // a random moment of the restart cycle, not synchronisation
            let sent = looping.send(SIGTERM)
            let exit = looping.waitForExit(timeout: 120)
            slowest = max(slowest, seconds(exit.at - sent))
            codes[exit.status, default: 0] += 1
            if looping.overstayed { hangs += 1 }
        }
        emit("random_phase_trials", String(trials))
        emit("random_phase_hangs", String(hangs))
        emit("random_phase_codes", codes.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ","))
        emit("random_phase_slowest_seconds", String(format: "%.3f", slowest))
    }
}
