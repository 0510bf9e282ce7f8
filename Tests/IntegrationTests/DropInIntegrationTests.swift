import Foundation
import Testing
import TestSupport

/// Details found by running the peers side by side: tini's `-e` for exec failures, catatonit's pause
/// mode, a stop sequence that starts with a delay, and rebound's log line before giving up. Where a
/// peer is installed, the same command line runs under it too and must give the same answer.
@Suite struct DropInIntegrationTests {

    /// A peer's binary, or nil (then a skip, or under PROCESSKIT_REQUIRE_ALL=1 a failure).
    func peer(_ name: String) throws -> String {
        let path = Harness.executable("/usr/bin/\(name)", "/usr/local/bin/\(name)", "/bin/\(name)")
        try Harness.require(path != nil, "needs \(name) (apt-get install \(name)) to compare with")
        return path!
    }

    /// `-e 127` / `-e 126` remap an exec failure to 0, as in tini, which treats it as a child that
    /// exited 127 or 126; the failure is still reported, and without -e the code is 127/126.
    @Test func remappingAppliesToExecFailuresAsInTini() throws {
        try Harness.requireSubreaper()
        try Harness.requireExecFailureReports()
        try Harness.withTemporaryDirectory { directory in
            let notExecutable = try Harness.writeScript(directory, "not-executable", "exit 0\n", mode: "644")
            let tini = try peer("tini")
            for (program, code) in [("/nonexistent/program", Int32(127)), (notExecutable, 126)] {
                for init_ in [Harness.swinit, tini] {
                    let remapped = try Harness.run(init_, ["-s", "-e", "\(code)", "--", program])
                    #expect(remapped.status == 0, "\(init_) -e \(code) \(program): \(remapped)")
                    #expect(remapped.stderr.contains("exec \(program) failed:"), "\(init_): \(remapped.stderr)")
                    let plain = try Harness.run(init_, ["-s", "-e", "3", "--", program])
                    #expect(plain.status == code, "\(init_) \(program): \(plain)")
                }
            }
        }
    }

    /// With -v, swinit logs the failed exec as the main child's exit, tini's line.
    @Test func execFailureIsLoggedAsTheMainChildsExit() throws {
        try Harness.requireSubreaper()
        try Harness.requireExecFailureReports()
        let result = try Harness.run(Harness.swinit, ["-s", "-v", "-e", "127", "--", "/nonexistent/program"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("Main child exited normally (with status '127')"), "\(result.stderr)")
    }

    /// -P, catatonit's pause container: it runs in "/" (pinning no mount) and holds none of the
    /// descriptors it was started with beyond 0-2.
    @Test func pauseModeMovesToRootAndClosesInheritedDescriptors() throws {
        try Harness.requireSubreaper()
        try Harness.withTemporaryDirectory { directory in
            let result = try Harness.shell(
                Harness.shellWaits + """
                    cd \(directory) || exit 90
                    exec 7>\(directory)/held 8<\(directory)/held
                    "$SWINIT" -s -v -P 2> \(directory)/err & s=$!
                    wait_for_text \(directory)/err "Pause mode: reaping"
                    echo "cwd=$(readlink /proc/$s/cwd)"
                    echo "fds=$(ls /proc/$s/fd | sort -n | tr '\\n' ' ')"
                    kill -TERM $s; wait $s; echo "status=$?"
                    """)
            #expect(result.stdout.contains("cwd=/\n"), "\(result)")
            #expect(result.stdout.contains("fds=0 1 2 \n"), "\(result)")
            #expect(result.stdout.contains("status=0"), "\(result)")
        }
    }

    /// A bad --grace or --grace-signal, for either tool: one line naming the value, then the usage,
    /// exit 1, and the program never starts.
    @Test(
        arguments: [
            (["--grace", "-1"], "'-1'"), (["--grace", "soon"], "'soon'"), (["--grace", "1e9"], "'1e9'"),
            (["--grace", "100000"], "'100000' is longer than a day"), (["--grace", "5", "--grace-signal", "FAST"], "'FAST'"),
            (["--grace-signal", "INT"], "--grace-signal SIGINT does nothing without --grace"),
        ] as [([String], String)])
    func badGraceValuesStartNothing(_ flags: [String], _ named: String) throws {
        try Harness.withTemporaryDirectory { directory in
            for tool in [Harness.swinit, Harness.rebound] {
                let result = try Harness.run(
                    tool,
                    ["-s"].filter { _ in tool == Harness.swinit } + flags
                        + ["--", "/bin/sh", "-c", "echo started > \(directory)/started"])
                let lines = result.stderr.split(separator: "\n")
                #expect(result.status == 1, "\(tool) \(flags): \(result)")
                #expect(lines.first?.contains(named) == true, "\(tool) \(flags): \(result.stderr)")
                #expect(lines.dropFirst().contains { $0.hasPrefix("Usage: ") }, "\(tool) \(flags): \(result.stderr)")
                #expect(!FileManager.default.fileExists(atPath: directory + "/started"), "\(tool) \(flags) started the program")
            }
        }
    }

    /// `--stop-sequence 0.8,TERM` holds the first SIGTERM back 0.8 s, then sends it (a load balancer's
    /// time to take the pod out of rotation); `0,0.8,TERM` is the same; a second SIGTERM skips ahead.
    @Test(arguments: ["0.8,TERM", "0,0.8,TERM"])
    func stopSequenceMayStartWithADelay(sequence: String) throws {
        try Harness.requireSubreaper()
        try Harness.withTemporaryDirectory { directory in
            let child = try Harness.writeScript(
                directory, "child.sh",
                """
                trap 'echo "TERM $(date +%s%N)" >> \(directory)/log; exit 0' TERM
                echo ready > \(directory)/ready
                while :; do sleep 0.02; done
                """)
            let result = try Harness.shell(
                SwinitFeatureTests.prelude + """
                    "$SWINIT" -s --stop-sequence \(sequence) -- \(child) & s=$!
                    wait_for \(directory)/ready
                    echo "sent $(date +%s%N)"
                    kill -TERM $s
                    wait $s; echo "status=$?"
                    """)
            #expect(result.stdout.contains("status=0"), "\(result)")
            let log = (try? String(contentsOfFile: directory + "/log", encoding: .utf8)) ?? ""
            let sent = result.stdout.split(separator: "\n").first { $0.hasPrefix("sent ") }.flatMap { Double($0.dropFirst(5)) }
            let received = log.split(separator: "\n").first.flatMap { Double($0.split(separator: " ")[1]) }
            if let sent, let received {
                let held = (received - sent) / 1e9
                #expect(held >= 0.7 && held < 30, "SIGTERM reached the child \(held) s after swinit got it, expected about 0.8 s")
            } else {
                Issue.record("no timings: \(result), log \(log)")
            }
        }
    }

    @Test func secondSigtermSkipsALeadingDelay() throws {
        try Harness.requireSubreaper()
        try Harness.withTemporaryDirectory { directory in
            let child = try Harness.writeScript(
                directory, "child.sh",
                """
                trap 'echo TERM >> \(directory)/log; exit 0' TERM
                echo ready > \(directory)/ready
                while :; do sleep 0.02; done
                """)
            let started = Date()
            let result = try Harness.shell(
                SwinitFeatureTests.prelude + """
                    "$SWINIT" -s -vvv --stop-sequence 60,TERM -- \(child) 2> \(directory)/err & s=$!
                    wait_for \(directory)/ready
                    kill -TERM $s
                    wait_for_text \(directory)/err "Holding the stop"
                    kill -TERM $s
                    wait $s; echo "status=$?"
                    """)
            #expect(result.stdout.contains("status=0"), "\(result)")
            #expect((try? String(contentsOfFile: directory + "/log", encoding: .utf8)) == "TERM\n")
            #expect(Date().timeIntervalSince(started) < 45, "the second SIGTERM did not skip the 60 s hold")
        }
    }
}
