import Foundation
import Testing
import TestSupport

/// swinit's own features with the real binary: --grace, --rewrite, --stop-sequence and -P. Every wait is bounded:
/// the scripts poll readiness files for at most 10 s, and Harness kills a run that takes too long.
/// --grace tests always run in a fresh PID namespace, so a bug that signals "every process" cannot
/// reach beyond the test.
@Suite struct SwinitFeatureTests {
    /// Shell helpers for the scripts below: bounded waits on readiness files and log lines, and the
    /// pid of unshare's forked child (swinit, PID 1 inside its namespace).
    static let prelude =
        "set -u\n" + Harness.shellWaits + #"""
            child_of() { tr -d ' ' < /proc/$1/task/$1/children; }

            """#

    /// A worker that needs `seconds` after SIGTERM to save its job (then writes `saved`); it writes
    /// `ready` once its trap is set. With `ignoringTerm` it never stops on SIGTERM.
    func worker(_ directory: String, secondsToSave: String = "2", ignoringTerm: Bool = false) throws -> String {
        try Harness.writeScript(
            directory, "worker.sh",
            """
            \(ignoringTerm ? "trap '' TERM" : "trap 'sleep \(secondsToSave); echo saved > \(directory)/saved; exit 0' TERM")
            echo ready > \(directory)/ready
            while :; do sleep 0.05; done
            """)
    }

    func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    // MARK: --grace

    /// The classic data loss: an entrypoint script runs its worker without `exec`; `docker stop`'s
    /// SIGTERM reaches only the script, which dies; swinit then exits and the kernel SIGKILLs the
    /// worker mid-job. With --grace 5 the worker gets SIGTERM and its 2 s to save.
    @Test(arguments: [true, false])
    func entrypointWithoutExecKeepsItsJobOnlyWithGrace(grace: Bool) throws {
        try Harness.requirePIDNamespaces()
        try Harness.withTemporaryDirectory { directory in
            let worker = try worker(directory)
            let entrypoint = try Harness.writeScript(directory, "entrypoint.sh", "\(worker)\necho 'not reached' >&2\n")
            let flags = grace ? "-v --grace 5" : "-v"
            let result = try Harness.shell(
                SwinitFeatureTests.prelude + """
                    unshare --pid --fork --mount-proc "$SWINIT" \(flags) -- \(entrypoint) & u=$!
                    wait_for \(directory)/ready
                    kill -TERM "$(child_of $u)"
                    wait $u; echo "status=$?"
                    """)
            // The entrypoint died of the SIGTERM, and that stays swinit's exit code.
            #expect(result.stdout.contains("status=143"), "\(result)")
            if grace {
                #expect(exists(directory + "/saved"), "the worker's job was lost: \(result)")
                #expect(result.stderr.contains("Grace: sending SIGTERM to"), "\(result.stderr)")
                #expect(result.stderr.contains("(worker.sh)"), "-v names the processes left: \(result.stderr)")
                #expect(result.stderr.contains("Grace: every process left in time"), "\(result.stderr)")
            } else {
                // unshare returns only after the kernel has killed everything in the namespace.
                #expect(!exists(directory + "/saved"), "without --grace the worker should have been SIGKILLed: \(result)")
                #expect(!result.stderr.contains("Grace:"))
            }
        }
    }

    /// Subreaper mode, swinit not PID 1: the drain reaches swinit's descendants (an orphan it adopted)
    /// but a process outside its tree — a sibling started by the same shell — survives.
    @Test func subreaperDrainsOnlyItsOwnDescendants() throws {
        try Harness.requireSubreaper()
        try Harness.requirePIDNamespaces()
        try Harness.withTemporaryDirectory { directory in
            let worker = try worker(directory, secondsToSave: "0.2")
            // The main child starts the worker in the background and exits 5 once it is ready.
            let main = try Harness.writeScript(
                directory, "main.sh",
                """
                \(worker) &
                i=0; while [ ! -s \(directory)/ready ] && [ $i -lt 1000 ]; do i=$((i+1)); sleep 0.01; done
                exit 5
                """)
            let result = try Harness.shell(
                SwinitFeatureTests.prelude + """
                    unshare --pid --fork --mount-proc sh -c '
                        sleep 30 & outsider=$!
                        "$SWINIT" -s -v --grace 5 -- \(main); echo "status=$?"
                        if kill -0 $outsider 2>/dev/null; then echo outsider-alive; kill $outsider; fi
                    '
                    """)
            #expect(result.stdout.contains("status=5"), "\(result)")
            #expect(exists(directory + "/saved"), "the adopted worker did not get SIGTERM and its time: \(result)")
            #expect(result.stdout.contains("outsider-alive"), "swinit signalled a process outside its tree: \(result)")
            #expect(result.stderr.contains("Grace: every process left in time"), "\(result.stderr)")
        }
    }

    /// A process that ignores SIGTERM is SIGKILLed when the grace period ends; the log says which,
    /// and swinit still exits with the main child's code, promptly.
    @Test func stragglersAreKilledWhenTheGracePeriodEnds() throws {
        try Harness.requirePIDNamespaces()
        try Harness.withTemporaryDirectory { directory in
            let worker = try worker(directory, ignoringTerm: true)
            let main = try Harness.writeScript(
                directory, "main.sh",
                """
                \(worker) &
                i=0; while [ ! -s \(directory)/ready ] && [ $i -lt 1000 ]; do i=$((i+1)); sleep 0.01; done
                exit 4
                """)
            let started = Date()
            let result = try Harness.shell(
                "unshare --pid --fork --mount-proc \"$SWINIT\" --grace 0.5 -- \(main); echo \"status=$?\"")
            let took = Date().timeIntervalSince(started)
            #expect(result.stdout.contains("status=4"), "\(result)")
            #expect(result.stderr.contains("Grace: still running after 0.5 s, sending SIGKILL:"), "\(result.stderr)")
            #expect(result.stderr.contains("(worker.sh)"), "\(result.stderr)")
            #expect(took >= 0.5 && took < 5, "took \(took) s")
        }
    }

    /// As a subreaper the kernel kills nothing when swinit exits: the straggler is gone only because
    /// the drain's SIGKILL reached it.
    @Test func asASubreaperStragglersAreKilledWhenTheGracePeriodEnds() throws {
        try Harness.requireSubreaper()
        try Harness.requirePIDNamespaces()
        try Harness.withTemporaryDirectory { directory in
            let result = try Self.drainAsSubreaper("\"$SWINIT\" -s --grace 0.5", exitCode: 4, in: directory)
            #expect(result.stdout.contains("status=4"), "\(result)")
            #expect(result.stdout.contains("straggler=gone"), "the straggler outlived swinit's --grace: \(result)")
        }
    }

    /// The drain of a subreaper, where the kernel's SIGKILL at the exit of a namespace's PID 1 cannot
    /// do its work for it: `tool` (swinit -s, or rebound, which is a subreaper when it is not PID 1)
    /// runs a main child that leaves a straggler ignoring SIGTERM and exits with `exitCode`. The shell
    /// around it, PID 1 of a fresh namespace, then prints `status=N` and `straggler=gone`, or the
    /// straggler's state letter from /proc when it is still there (a zombie counts: nobody reaped it).
    /// The straggler gives up by itself after 600 naps of 50 ms, so a drain that never kills it costs
    /// the test that long at most; the shell kills it anyway once it has looked.
    static func drainAsSubreaper(_ tool: String, exitCode: Int32, in directory: String) throws -> ProgramRun {
        let straggler = try Harness.writeScript(
            directory, "straggler.sh",
            """
            trap '' TERM
            echo $$ > \(directory)/ready
            i=0; while [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done
            """)
        let main = try Harness.writeScript(
            directory, "main.sh",
            """
            \(straggler) &
            i=0; while [ ! -s \(directory)/ready ] && [ $i -lt 3000 ]; do i=$((i+1)); sleep 0.01; done
            exit \(exitCode)
            """)
        return try Harness.shell(
            """
            unshare --pid --fork --mount-proc sh -c '
                \(tool) -- \(main); echo "status=$?"
                p=$(cat \(directory)/ready)
                if [ -e /proc/$p ]; then read -r _ _ state _ < /proc/$p/stat; echo "straggler=$state"; kill -KILL $p; else echo straggler=gone; fi
            '
            """)
    }

    /// A process left stopped (SIGSTOP, as a shell's job control leaves one) acts on the drain's
    /// SIGTERM only once it runs again: the drain's SIGCONT lets it save in time instead of being
    /// SIGKILLed, still stopped, when the grace period ends.
    @Test func aStoppedProcessIsContinuedToActOnTheSignal() throws {
        try Harness.requirePIDNamespaces()
        try Harness.withTemporaryDirectory { directory in
            let worker = try worker(directory, secondsToSave: "0.1")
            let main = try Harness.writeScript(
                directory, "main.sh",
                """
                \(worker) &
                i=0; while [ ! -s \(directory)/ready ] && [ $i -lt 3000 ]; do i=$((i+1)); sleep 0.01; done
                kill -STOP $!
                exit 4
                """)
            let result = try Harness.shell(
                "unshare --pid --fork --mount-proc \"$SWINIT\" -v --grace 10 -- \(main); echo \"status=$?\"")
            #expect(result.stdout.contains("status=4"), "\(result)")
            #expect(exists(directory + "/saved"), "the stopped worker never acted on SIGTERM: \(result)")
            #expect(result.stderr.contains("Grace: every process left in time"), "\(result.stderr)")
        }
    }

    /// Nothing left behind: --grace costs no time.
    @Test func graceWithNothingLeftExitsAtOnce() throws {
        try Harness.requirePIDNamespaces()
        let started = Date()
        let result = try Harness.run(
            "/usr/bin/unshare",
            [
                "--pid", "--fork", "--mount-proc", Harness.swinit, "-v", "--grace", "20",
                "--", "sh", "-c", "exit 6",
            ])
        #expect(result.status == 6)
        #expect(result.stderr.contains("Grace: no processes left"), "\(result.stderr)")
        #expect(Date().timeIntervalSince(started) < 5)
    }

    /// SWINIT_GRACE does what --grace does: the worker an entrypoint left behind gets SIGTERM and
    /// its time to save. Without it (or --grace) there is no drain.
    @Test func graceFromTheEnvironment() throws {
        try Harness.requirePIDNamespaces()
        try Harness.withTemporaryDirectory { directory in
            let worker = try worker(directory, secondsToSave: "0.3")
            let main = try Harness.writeScript(
                directory, "main.sh",
                """
                \(worker) &
                i=0; while [ ! -s \(directory)/ready ] && [ $i -lt 1000 ]; do i=$((i+1)); sleep 0.01; done
                exit 3
                """)
            let result = try Harness.shell(
                "unshare --pid --fork --mount-proc \"$SWINIT\" -v -- \(main); echo \"status=$?\"",
                environment: ["SWINIT_GRACE": "5"])
            #expect(result.stdout.contains("status=3"), "\(result)")
            #expect(exists(directory + "/saved"), "SWINIT_GRACE=5 did not give the worker its time: \(result)")
            #expect(result.stderr.contains("Grace: every process left in time"), "\(result.stderr)")
        }
    }

    // MARK: --rewrite

    /// SIGTERM goes to the child as SIGUSR1 (numbers and names mixed), SIGHUP is dropped.
    @Test func rewriteForwardsFromAsToAndZeroDrops() throws {
        try Harness.requireSubreaper()
        try Harness.withTemporaryDirectory { directory in
            let child = try Harness.writeScript(
                directory, "child.sh",
                """
                trap 'echo HUP >> \(directory)/log' HUP
                trap 'echo USR1 >> \(directory)/log; exit 0' USR1
                trap 'echo TERM >> \(directory)/log; exit 1' TERM
                echo ready > \(directory)/ready
                while :; do sleep 0.05; done
                """)
            let result = try Harness.shell(
                SwinitFeatureTests.prelude + """
                    "$SWINIT" -s --rewrite 15:SIGUSR1 --rewrite HUP:0 -- \(child) & s=$!
                    wait_for \(directory)/ready
                    kill -HUP $s
                    kill -TERM $s
                    wait $s; echo "status=$?"
                    """)
            #expect(result.stdout.contains("status=0"), "\(result)")
            #expect((try? String(contentsOfFile: directory + "/log", encoding: .utf8)) == "USR1\n", "\(result)")
        }
    }

    // MARK: --stop-sequence

    /// The first SIGTERM sends USR1 at once and TERM 0.6 s later (the child logs when each came).
    @Test func stopSequenceSendsEachStepAfterItsDelay() throws {
        try Harness.requireSubreaper()
        try Harness.withTemporaryDirectory { directory in
            let child = try Harness.writeScript(
                directory, "child.sh",
                """
                trap 'echo "USR1 $(date +%s%N)" >> \(directory)/log' USR1
                trap 'echo "TERM $(date +%s%N)" >> \(directory)/log; exit 0' TERM
                echo ready > \(directory)/ready
                while :; do sleep 0.02; done
                """)
            let result = try Harness.shell(
                SwinitFeatureTests.prelude + """
                    "$SWINIT" -s --stop-sequence USR1,0.6,TERM -- \(child) & s=$!
                    wait_for \(directory)/ready
                    kill -TERM $s
                    wait $s; echo "status=$?"
                    """)
            #expect(result.stdout.contains("status=0"), "\(result)")
            let lines = ((try? String(contentsOfFile: directory + "/log", encoding: .utf8)) ?? "").split(separator: "\n")
            #expect(lines.map { $0.split(separator: " ")[0] } == ["USR1", "TERM"], "\(lines)")
            if lines.count == 2, let usr1 = Double(lines[0].split(separator: " ")[1]),
                let term = Double(lines[1].split(separator: " ")[1])
            {
                let gap = (term - usr1) / 1e9
                #expect(gap >= 0.5 && gap < 3, "TERM came \(gap) s after USR1, expected about 0.6 s")
            }
        }
    }

    /// A second SIGTERM skips the 20 s delay: TERM is sent at once (the run is bounded well below 20 s).
    @Test func secondSigtermSkipsAhead() throws {
        try Harness.requireSubreaper()
        try Harness.withTemporaryDirectory { directory in
            let child = try Harness.writeScript(
                directory, "child.sh",
                """
                trap 'echo USR1 >> \(directory)/log; echo got > \(directory)/first' USR1
                trap 'echo TERM >> \(directory)/log; exit 0' TERM
                echo ready > \(directory)/ready
                while :; do sleep 0.02; done
                """)
            let started = Date()
            let result = try Harness.shell(
                SwinitFeatureTests.prelude + """
                    "$SWINIT" -s --stop-sequence USR1,20,TERM -- \(child) & s=$!
                    wait_for \(directory)/ready
                    kill -TERM $s
                    wait_for \(directory)/first
                    kill -TERM $s
                    wait $s; echo "status=$?"
                    """)
            #expect(result.stdout.contains("status=0"), "\(result)")
            #expect((try? String(contentsOfFile: directory + "/log", encoding: .utf8)) == "USR1\nTERM\n")
            #expect(Date().timeIntervalSince(started) < 8)
        }
    }

    /// "TERM after 20 s unless the child has exited": a child that exits on the first step ends
    /// swinit at once with its code, and the later step is never sent.
    @Test func stopSequenceEndsWhenTheChildExits() throws {
        try Harness.requireSubreaper()
        try Harness.withTemporaryDirectory { directory in
            let child = try Harness.writeScript(
                directory, "child.sh",
                """
                trap 'echo USR1 >> \(directory)/log; exit 3' USR1
                trap 'echo TERM >> \(directory)/log; exit 1' TERM
                echo ready > \(directory)/ready
                while :; do sleep 0.02; done
                """)
            let started = Date()
            let result = try Harness.shell(
                SwinitFeatureTests.prelude + """
                    "$SWINIT" -s -vvv --stop-sequence USR1,20,TERM -- \(child) & s=$!
                    wait_for \(directory)/ready
                    kill -TERM $s
                    wait $s; echo "status=$?"
                    """)
            #expect(result.stdout.contains("status=3"), "\(result)")
            #expect((try? String(contentsOfFile: directory + "/log", encoding: .utf8)) == "USR1\n")
            #expect(!result.stderr.contains("Sending signal 'SIGTERM'"), "\(result.stderr)")
            #expect(Date().timeIntervalSince(started) < 8, "swinit waited for the next step after the child had exited")
        }
    }

    // MARK: -P

    /// Pause mode ignores other signals and exits 0 on SIGINT or SIGTERM.
    @Test(arguments: ["TERM", "INT"])
    func pauseExitsZeroOnInterruptOrTerminate(signal: String) throws {
        try Harness.requireSubreaper()
        try Harness.withTemporaryDirectory { directory in
            let result = try Harness.shell(
                SwinitFeatureTests.prelude + """
                    "$SWINIT" -s -v -P 2> \(directory)/err & s=$!
                    wait_for_text \(directory)/err "Pause mode: reaping"
                    kill -USR1 $s
                    kill -\(signal) $s
                    wait $s; echo "status=$?"
                    """)
            #expect(result.stdout.contains("status=0"), "\(result)")
        }
    }

    /// As PID 1 of a namespace that another process joins (a pod's pause container), -P reaps the
    /// orphans that joiner leaves behind.
    @Test func pauseReapsOrphansOfProcessesThatJoinItsNamespace() throws {
        try Harness.requirePIDNamespaces()
        try Harness.withTemporaryDirectory { directory in
            let result = try Harness.shell(
                SwinitFeatureTests.prelude + """
                    unshare --pid --fork --mount-proc "$SWINIT" -v -w -P 2> \(directory)/err & u=$!
                    wait_for_text \(directory)/err "Pause mode: reaping"
                    s=$(child_of $u)
                    nsenter --target $s --pid sh -c 'sleep 0.1 & exit 0'
                    wait_for_text \(directory)/err "Reaped zombie process"
                    kill -TERM $s
                    wait $u; echo "status=$?"
                    """)
            #expect(result.stdout.contains("status=0"), "\(result)")
            let log = (try? String(contentsOfFile: directory + "/err", encoding: .utf8)) ?? ""
            #expect(log.contains("Reaped zombie process with pid="), "\(log)")
        }
    }

    /// -P with --grace: a worker that joined the pause container's namespace (re-parented to swinit)
    /// gets SIGTERM and its 2 s to save when the pod stops; without --grace swinit exits at once and the
    /// kernel SIGKILLs it mid-job.
    @Test(arguments: [true, false])
    func pauseWithGraceDrainsTheProcessesThatJoined(grace: Bool) throws {
        try Harness.requirePIDNamespaces()
        try Harness.withTemporaryDirectory { directory in
            let worker = try worker(directory)
            let result = try Harness.shell(
                SwinitFeatureTests.prelude + """
                    unshare --pid --fork --mount-proc "$SWINIT" -v -P \(grace ? "--grace 5" : "") 2> \(directory)/err & u=$!
                    wait_for_text \(directory)/err "Pause mode: reaping"
                    s=$(child_of $u)
                    nsenter --target $s --pid sh -c '\(worker) & exit 0'
                    wait_for \(directory)/ready
                    kill -TERM $s
                    wait $u; echo "status=$?"
                    """)
            #expect(result.stdout.contains("status=0"), "\(result)")
            #expect(exists(directory + "/saved") == grace, "\(result)")
        }
    }
}
