import Foundation
import Testing
import TestSupport
import ToolSupport
@testable import rebound
@testable import swinit

/// `--log-format json` with the real binaries: each scenario runs swinit or rebound (as PID 1 in a
/// PID namespace where it matters) with its log in a file, every line must be one JSON object a parser
/// accepts with the common fields, the events it is about must carry their fields, and across the
/// scenarios every event a tool can be made to log from outside is seen at least once. Every wait is
/// bounded: the scripts' waits by ``Harness/shellWaitBound``, each run by Harness.
@Suite(.serialized) struct JSONLogIntegrationTests {
    /// Shell helpers; a script that starts a tool in the background also sets a trap that ends it
    /// (the PID namespace with it), so a scenario that fails at a bound leaves nothing running.
    static let prelude =
        "set -u\n" + Harness.shellWaits + #"""
            child_of() { tr -d ' ' < /proc/$1/task/$1/children; }

            """#

    /// A tool's JSON log as events: every line parsed, in order.
    struct Log {
        let lines: [[String: Any]]

        /// The lines of `event`.
        func all(_ event: String) -> [[String: Any]] { lines.filter { $0["event"] as? String == event } }
        /// The first line of `event`, or an empty object (and a recorded issue) when there is none.
        func first(_ event: String, sourceLocation: SourceLocation = #_sourceLocation) -> [String: Any] {
            guard let line = all(event).first else {
                Issue.record("no \(event) line in \(lines.map { $0["event"] as? String ?? "?" })", sourceLocation: sourceLocation)
                return [:]
            }
            return line
        }
        var events: Set<String> { Set(lines.compactMap { $0["event"] as? String }) }
    }

    /// Parses `text`, a tool's standard error: every line must be a JSON object with the level, the
    /// tool, its pid, the event and the message (a last line without its newline is left out when
    /// `partial`, as when the log was read while being written).
    static func parse(
        _ text: String, tool: String, partial: Bool = false, sourceLocation: SourceLocation = #_sourceLocation
    ) -> Log {
        var rows = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if rows.last == "" || partial { rows.removeLast() }
        var lines: [[String: Any]] = []
        for row in rows {
            guard let object = try? JSONSerialization.jsonObject(with: Data(row.utf8)) as? [String: Any] else {
                Issue.record("not a JSON object: \(row)", sourceLocation: sourceLocation)
                continue
            }
            #expect(object["tool"] as? String == tool, "\(row)", sourceLocation: sourceLocation)
            #expect(
                ["fatal", "warning", "info", "debug"].contains(object["level"] as? String ?? ""), "\(row)",
                sourceLocation: sourceLocation)
            #expect(object["pid"] is Int && object["message"] is String, "\(row)", sourceLocation: sourceLocation)
            #expect((object["event"] as? String)?.isEmpty == false, "\(row)", sourceLocation: sourceLocation)
            lines.append(object)
        }
        return Log(lines: lines)
    }

    /// Runs `script` (with ``prelude``; `$D` is a fresh directory) and returns its run and the
    /// parsed logs it left in `$D/NAME.log` for each of `logs`.
    static func run(
        _ script: String, logs: [String], tool: String, setUp: (String) throws -> Void = { _ in },
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> (ProgramRun, [String: Log]) {
        try Harness.withTemporaryDirectory { directory in
            try setUp(directory)
            let run = try Harness.shell(prelude + "export D=\(directory)\n" + script, sourceLocation: sourceLocation)
            var parsed: [String: Log] = [:]
            for name in logs {
                let data = FileManager.default.contents(atPath: "\(directory)/\(name).log") ?? Data()
                #expect(String(data: data, encoding: .utf8) != nil, "\(name).log is not UTF-8", sourceLocation: sourceLocation)
                parsed[name] = parse(String(decoding: data, as: UTF8.self), tool: tool, sourceLocation: sourceLocation)
            }
            return (run, parsed)
        }
    }

    /// Events of system calls that do not fail on a healthy host: prctl, chdir("/") as root, kill(2) and
    /// pidfd_send_signal on our own child, blocking signals and waiting for them, kill(-1, …) as PID 1.
    /// The scenarios above cannot cause them; the injected-failure tests below do, by making the call
    /// fail (FailureInjection/fail-syscalls.py).
    static let injectedFailureEvents: Set<String> = [
        "parent_death_signal_failed", "pause_directory_failed", "signal_failed", "wait_failed", "subreaper_refused",
        "signal_setup_failed", "drain_cannot_signal", "drain_wait_failed",
    ]

    /// Runs programs with chosen system calls failing with EPERM: `$FAIL RULE... -- PROGRAM ARGS`.
    static let failSyscalls = ProbeProgram.repositoryRoot + "/Tests/IntegrationTests/FailureInjection/fail-syscalls.py"

    /// Runs `script` with `$FAIL` set for ``failSyscalls``, as ``run(_:logs:tool:setUp:sourceLocation:)``
    /// does; not under qemu-user, whose own system calls the filter would see instead of the tool's.
    static func runInjectingFailures(
        _ script: String, logs: [String], tool: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> (ProgramRun, [String: Log]) {
        try Harness.requirePIDNamespaces(sourceLocation: sourceLocation)
        try Harness.require(Harness.python3 != nil, "needs python3", sourceLocation: sourceLocation)
        try Harness.requireNative(
            "the seccomp filter would fail qemu-user's own system calls, not the tool's", sourceLocation: sourceLocation)
        return try run(
            "FAIL=\"\(Harness.python3!) \(failSyscalls)\"\n" + script, logs: logs, tool: tool, sourceLocation: sourceLocation)
    }

    /// Checks each scenario of an injected-failure script: it printed `SCENARIO=STATUS` with the tool's
    /// exit status, and its log has `event` at `level` with EPERM as the error. Returns the logged
    /// events of all scenarios.
    static func expectInjected(
        _ run: ProgramRun, _ logs: [String: Log], _ scenarios: [(name: String, status: Int, event: String, level: String)],
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> Set<String> {
        for scenario in scenarios {
            #expect(
                run.stdout.contains("\(scenario.name)=\(scenario.status)\n"), "\(scenario.name): \(run)",
                sourceLocation: sourceLocation)
            let line = logs[scenario.name]?.first(scenario.event, sourceLocation: sourceLocation) ?? [:]
            #expect(line["level"] as? String == scenario.level, "\(line)", sourceLocation: sourceLocation)
            #expect(line["error"] as? String == "Operation not permitted", "\(line)", sourceLocation: sourceLocation)
        }
        return logs.values.reduce(into: Set<String>()) { $0.formUnion($1.events) }
    }

    @Test func swinitLogsEachFailedSystemCallAsItsEvent() throws {
        // Each scenario's swinit runs with the calls named before its `--` failing. The straggler left
        // for a drain ignores SIGTERM, so the drain has something to wait for.
        let (run, logs) = try Self.runInjectingFailures(
            #"""
            straggler='(trap "" TERM; while :; do sleep 1; done) & exit 0' p=
            trap '[ -n "$p" ] && kill -KILL $(child_of $p 2>/dev/null) $p 2>/dev/null' EXIT
            $FAIL prctl:arg0=1 -- "$SWINIT" --log-format json -p SIGTERM -- true 2> $D/pdeathsig.log; echo "pdeathsig=$?"
            $FAIL prctl:arg0=36 -- "$SWINIT" --log-format json -s -- true 2> $D/subreaper.log; echo "subreaper=$?"
            $FAIL rt_sigprocmask -- "$SWINIT" --log-format json -- true 2> $D/setup.log; echo "setup=$?"
            $FAIL chdir -- "$SWINIT" --log-format json -P 2> $D/pause.log & p=$!
            wait_for_text $D/pause.log pause_directory_failed; kill -TERM $p; wait $p; echo "pause=$?"
            $FAIL pidfd_send_signal kill -- "$SWINIT" --log-format json -- sh -c 'echo r > $D/forward; exec sleep 100' \
                2> $D/forward.log & p=$!
            wait_for $D/forward; kill -USR1 $p; wait_for_text $D/forward.log signal_failed
            kill -KILL $(child_of $p); wait $p; echo "forward=$?"
            $FAIL rt_sigtimedwait -- "$SWINIT" --log-format json -v -- sh -c 'echo r > $D/wait; exec sleep 100' 2> $D/wait.log & p=$!
            wait_for $D/wait; wait_for_text $D/wait.log wait_failed
            kill -KILL $(child_of $p); wait $p; echo "wait=$?"
            unshare --pid --fork --mount-proc $FAIL rt_sigtimedwait:arg2!=0 -- "$SWINIT" --log-format json --grace 30 \
                -- sh -c "$straggler" 2> $D/drainwait.log; echo "drainwait=$?"
            unshare --pid --fork --mount-proc $FAIL kill:arg0=-1 -- "$SWINIT" --log-format json --grace 0.5 \
                -- sh -c "$straggler" 2> $D/drainsignal.log; echo "drainsignal=$?"
            """#, logs: ["pdeathsig", "subreaper", "setup", "pause", "forward", "wait", "drainwait", "drainsignal"],
            tool: "swinit")
        // Cannot go on without a parent death signal, a subreaper it was asked to be, or its signals:
        // exit 1. Everything else is a warning, and the child's end is still its exit.
        let seen = Self.expectInjected(
            run, logs,
            [
                ("pdeathsig", 1, "parent_death_signal_failed", "fatal"), ("subreaper", 1, "subreaper_refused", "fatal"),
                ("setup", 1, "signal_setup_failed", "fatal"), ("pause", 0, "pause_directory_failed", "warning"),
                ("forward", 137, "signal_failed", "warning"), ("wait", 137, "wait_failed", "warning"),
                ("drainwait", 0, "drain_wait_failed", "warning"), ("drainsignal", 0, "drain_cannot_signal", "warning"),
            ])
        #expect(logs["pdeathsig"]?.first("parent_death_signal_failed")["signal"] as? String == "SIGTERM")
        #expect(logs["forward"]?.first("signal_failed")["signal"] as? String == "SIGUSR1")
        #expect(logs["wait"]?.first("child_exited")["signal"] as? String == "SIGKILL", "the child's end is still seen")
        #expect(logs["drainwait"]?.events.contains("drain_killing") == true, "a failed wait ends in SIGKILL")
        #expect(logs["drainsignal"]?.first("drain_cannot_signal")["signal"] as? String == "SIGTERM")
        let missing = Self.injectedFailureEvents.subtracting(seen)
        #expect(missing.isEmpty, "no injected failure logged \(missing.sorted())")
    }

    @Test func reboundLogsEachFailedSystemCallAsItsEvent() throws {
        let (run, logs) = try Self.runInjectingFailures(
            #"""
            straggler='(trap "" TERM; while :; do sleep 1; done) & exec sleep 100' p= u=
            trap '[ -n "$p" ] && kill -KILL $p; [ -n "$u" ] && kill -KILL $(child_of $u 2>/dev/null)' EXIT
            $FAIL prctl:arg0=36 -- "$REBOUND" --log-format json -- true 2> $D/subreaper.log; echo "subreaper=$?"
            $FAIL rt_sigprocmask -- "$REBOUND" --log-format json -- true 2> $D/setup.log; echo "setup=$?"
            $FAIL rt_sigtimedwait -- "$REBOUND" --log-format json -- true 2> $D/wait.log; echo "wait=$?"
            $FAIL pidfd_send_signal kill -- "$REBOUND" --log-format json \
                -- sh -c 'trap "exit 0" USR2; echo r > $D/forward; while :; do sleep 0.05; done' 2> $D/forward.log & p=$!
            wait_for $D/forward; kill -USR1 $p; wait_for_text $D/forward.log signal_failed
            kill -USR2 $(child_of $p); wait $p; echo "forward=$?"
            for scenario in "drainwait rt_sigtimedwait:arg2!=0 30" "drainsignal kill:arg0=-1 0.5"; do
                set -- $scenario
                unshare --pid --fork --mount-proc $FAIL $2 -- "$REBOUND" --log-format json --grace $3 \
                    -- sh -c "echo r > $D/$1; $straggler" 2> $D/$1.log & u=$!
                wait_for $D/$1; kill -TERM $(child_of $u); wait $u; echo "$1=$?"
            done
            """#, logs: ["subreaper", "setup", "wait", "forward", "drainwait", "drainsignal"], tool: "rebound")
        // A subreaper it was not asked to be is a warning; without its signals it cannot supervise. The
        // child whose signal was not passed on exits 0 when the test asks it to, which ends rebound.
        let seen = Self.expectInjected(
            run, logs,
            [
                ("subreaper", 0, "subreaper_refused", "warning"), ("setup", 1, "signal_setup_failed", "fatal"),
                ("wait", 1, "wait_failed", "fatal"), ("forward", 0, "signal_failed", "warning"),
                ("drainwait", 143, "drain_wait_failed", "warning"), ("drainsignal", 143, "drain_cannot_signal", "warning"),
            ])
        #expect(logs["forward"]?.first("signal_failed")["signal"] as? String == "SIGUSR1")
        let expected = Set(ReboundLogEvent.allCases.map(\.rawValue) + SharedLogEvent.allCases.map(\.rawValue))
        let missing = Self.injectedFailureEvents.intersection(expected).subtracting(seen)
        #expect(missing.isEmpty, "no injected failure logged \(missing.sorted())")
    }

    /// Under qemu-user (scripts/test's pass over the other architecture's binaries) a tool cannot
    /// become a subreaper, an exec failure's report never reaches it, RLIMIT_NPROC counts qemu's
    /// threads and /proc/self/exe is answered by qemu: the scenarios that need those are left out
    /// there, and so are their events.
    static var emulated: Bool { Harness.emulated }

    @Test func everySwinitEventIsOneParsableLineWithItsFields() throws {
        try Harness.requirePIDNamespaces()
        var seen: Set<String> = [], leftOut: Set<String> = []

        // Not PID 1, a verbosity read leniently, a child that exits 3.
        var (run, logs) = try Self.run(
            #"""
            TINI_VERBOSITY=2x "$SWINIT" --log-format json -- sh -c 'exit 3' 2> $D/plain.log; echo "status=$?"
            """#, logs: ["plain"], tool: "swinit")
        #expect(run.stdout.contains("status=3"), "\(run)")
        var log = logs["plain"]!
        #expect(log.first("setting_read_leniently")["level"] as? String == "warning")
        #expect(log.first("not_reaping")["level"] as? String == "warning")
        let spawned = log.first("child_spawned")
        #expect(spawned["program"] as? String == "sh" && spawned["child_pid"] is Int)
        #expect(spawned["message"] as? String == "Spawned child process 'sh' with pid '\(spawned["child_pid"] as? Int ?? -1)'")
        #expect(
            log.first("child_exited")["exit_code"] as? Int == 3
                && log.first("child_exited")["child_pid"] as? Int == spawned["child_pid"] as? Int)
        seen.formUnion(log.events)

        // PID 1 at -vvv with -w, --rewrite, --stop-sequence and --grace: each signal is waited for in
        // the log before the next is sent. The worker left behind asks for SIGHUP during the drain
        // and leaves only once the drain has logged it.
        (run, logs) = try Self.run(
            #"""
            cat > $D/worker.sh <<'WORKER'
            \#(Harness.shellWaits)
            exec 2>/dev/null
            trap 'kill -HUP 1; wait_for_text $D/signals.log drain_signal_ignored; exit 0' TERM
            echo w > $D/worker
            while :; do sleep 0.05; done
            WORKER
            cat > $D/child.sh <<'CHILD'
            exec 2>/dev/null
            trap '' USR1
            ( true & )
            ( sh $D/worker.sh & )
            echo r > $D/ready
            while :; do sleep 0.05; done
            CHILD
            unshare --pid --fork --mount-proc "$SWINIT" --log-format json -vvv -w --grace 30 --rewrite USR2:0 --rewrite HUP:USR1 \
                --stop-sequence 0.2,TERM -- sh $D/child.sh 2> $D/signals.log & u=$!; trap 'kill -KILL $(child_of $u 2>/dev/null) $u 2>/dev/null' EXIT
            wait_for $D/ready; wait_for $D/worker
            s=$(child_of $u)
            kill -USR2 $s; wait_for_text $D/signals.log signal_dropped
            kill -HUP $s; wait_for_text $D/signals.log SIGUSR1
            kill -WINCH $s; wait_for_text $D/signals.log signal_forwarded
            wait_for_text $D/signals.log zombie_reaped
            kill -TERM $s
            wait $u; echo "status=$?"
            """#, logs: ["signals"], tool: "swinit")
        #expect(run.stdout.contains("status=143"), "\(run)")
        log = logs["signals"]!
        #expect(log.first("signal_dropped")["signal"] as? String == "SIGUSR2")
        let sent = log.all("signal_sent")
        #expect(
            sent.contains { $0["signal"] as? String == "SIGUSR1" && $0["reason"] as? String == "--rewrite of SIGHUP" }, "\(sent)")
        #expect(
            sent.contains {
                $0["signal"] as? String == "SIGTERM" && ($0["reason"] as? String)?.contains("stop sequence") == true
            }, "\(sent)")
        #expect(sent.contains { $0["signal"] as? String == "SIGCONT" }, "\(sent)")
        #expect(
            log.first("signal_forwarded")["signal"] as? String == "SIGWINCH"
                && log.first("signal_forwarded")["level"] as? String == "debug")
        #expect((log.first("stop_held")["reason"] as? String)?.contains("stop sequence") == true)
        #expect(log.first("zombie_reaped")["reaped_pid"] is Int && log.first("zombie_reaped")["level"] as? String == "warning")
        #expect(log.first("child_exited")["signal"] as? String == "SIGTERM")
        let stopping = log.first("drain_stopping")
        #expect(stopping["signal"] as? String == "SIGTERM" && stopping["grace_seconds"] as? Int == 30, "\(stopping)")
        #expect((stopping["processes"] as? Int ?? 0) >= 1 && (stopping["pids"] as? [Int])?.isEmpty == false, "\(stopping)")
        #expect(log.first("drain_signal_ignored")["signal"] as? String == "SIGHUP")
        #expect(log.first("drain_all_gone")["after_seconds"] is NSNumber)
        seen.formUnion(log.events)

        // Pause mode: a signal it ignores, then SIGTERM.
        (run, logs) = try Self.run(
            #"""
            unshare --pid --fork --mount-proc "$SWINIT" --log-format json -vvv -P 2> $D/pause.log & u=$!; trap 'kill -KILL $(child_of $u 2>/dev/null) $u 2>/dev/null' EXIT
            wait_for_text $D/pause.log pause_started
            s=$(child_of $u)
            kill -HUP $s; wait_for_text $D/pause.log signal_ignored
            kill -TERM $s
            wait $u; echo "status=$?"
            """#, logs: ["pause"], tool: "swinit")
        #expect(run.stdout.contains("status=0"), "\(run)")
        log = logs["pause"]!
        #expect(
            log.first("signal_ignored")["signal"] as? String == "SIGHUP"
                && log.first("pause_ended")["signal"] as? String == "SIGTERM")
        seen.formUnion(log.events)

        // A program that is not there, with nothing left to drain.
        (run, logs) = try Self.run(
            #"""
            unshare --pid --fork --mount-proc "$SWINIT" --log-format json -v --grace 1 -- $D/missing 2> $D/missing.log
            echo "status=$?"
            """#, logs: ["missing"], tool: "swinit")
        #expect(run.stdout.contains("status=127"), "\(run)")
        log = logs["missing"]!
        if Harness.execFailureReportsWork {
            let failed = log.first("spawn_failed")
            #expect(
                failed["level"] as? String == "fatal" && (failed["program"] as? String)?.hasSuffix("/missing") == true,
                "\(failed)")
            #expect(failed["error"] as? String == "No such file or directory", "\(failed)")
        } else {
            leftOut.insert("spawn_failed")
        }
        #expect(log.first("child_exited")["exit_code"] as? Int == 127)
        seen.formUnion(log.events)

        if !Harness.subreaperWorks {
            // -s is fatal where the kernel (or an emulator) refuses it.
            (run, logs) = try Self.run(
                #"""
                "$SWINIT" --log-format json -s -- true 2> $D/refused.log; echo "status=$?"
                """#, logs: ["refused"], tool: "swinit")
            #expect(
                run.stdout.contains("status=1") && logs["refused"]!.first("subreaper_refused")["level"] as? String == "fatal",
                "\(run)")
            seen.formUnion(logs["refused"]!.events)
            leftOut.formUnion(["drain_signalled", "drain_killing", "log_lines_dropped"])
        } else {
            // A subreaper's drain signals its descendants sweep by sweep; one ignores SIGTERM and is SIGKILLed.
            (run, logs) = try Self.run(
                #"""
                cat > $D/main.sh <<'MAIN'
                exec 2>/dev/null
                (trap '' TERM; echo s > $D/stubborn; exec sleep 1000) &
                i=0; while [ ! -s $D/stubborn ] && [ $i -lt 3000 ]; do i=$((i+1)); sleep 0.01; done
                MAIN
                unshare --pid --fork --mount-proc sh -c '"$SWINIT" --log-format json -vvv -s --grace 0.3 -- sh $D/main.sh 2> $D/subreaper.log
                    echo "status=$?"'
                """#, logs: ["subreaper"], tool: "swinit")
            #expect(run.stdout.contains("status=0"), "\(run)")
            log = logs["subreaper"]!
            #expect(
                log.all("drain_signalled").contains {
                    $0["signal"] as? String == "SIGKILL" && ($0["pids"] as? [Int])?.isEmpty == false
                })
            #expect(log.first("drain_killing")["processes"] as? Int ?? 0 >= 1)
            seen.formUnion(log.events)
        }

        // The host's /proc in a new PID namespace: the drain cannot list what is left.
        (run, logs) = try Self.run(
            #"""
            unshare --pid --fork "$SWINIT" --log-format json --grace 1 -- true 2> $D/foreign.log; echo "status=$?"
            """#, logs: ["foreign"], tool: "swinit")
        #expect(run.stdout.contains("status=0"), "\(run)")
        #expect(logs["foreign"]!.first("drain_cannot_list")["error"] is String)
        seen.formUnion(logs["foreign"]!.events)

        if Harness.subreaperWorks {
            try Harness.withTemporaryDirectory { directory in
                // Four orphans a turn, each reaped with a line of about 150 bytes: 64 KB fill in about 110 turns.
                let count = directory + "/count"
                func turns() -> Int {
                    Int(
                        (try? String(contentsOfFile: count, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
                            ?? "") ?? 0
                }
                seen.formUnion(
                    try Self.droppedLines(
                        Harness.swinit, tool: "swinit",
                        [
                            "-s", "-v", "-w", "--", "sh", "-c",
                            "i=0; while :; do sh -c 'true & true & true & true &'; i=$((i+1)); echo $i > \(count); done",
                        ]
                    ) { turns() >= 400 })
            }
        }

        let expected = Set(SwinitLogEvent.allCases.map(\.rawValue) + SharedLogEvent.allCases.map(\.rawValue))
        #expect(seen.isSubset(of: expected), "unknown events: \(seen.subtracting(expected))")
        let missing = expected.subtracting(seen).subtracting(Self.injectedFailureEvents).subtracting(leftOut)
        #expect(missing.isEmpty, "no scenario logged \(missing.sorted())")
    }

    /// With standard error a pipe nobody reads, lines are dropped; the first line through afterwards
    /// is a JSON line that says how many. `busy` holds once the tool has logged far more than the
    /// pipe's 64 KB.
    static func droppedLines(_ binary: String, tool: String, _ arguments: [String], busy: () -> Bool) throws -> Set<String> {
        let process = try UnreadStandardError(binary, ["--log-format", "json"] + arguments)
        let kept = waitUntil(timeout: 120, busy)
        #expect(kept, "\(tool) stopped working with standard error full")
        let read = process.read(until: "log lines were dropped: standard error would have blocked\"}\n", timeout: 60)
        let log = parse(read, tool: tool, partial: !read.hasSuffix("\n"))
        _ = process.terminate(timeout: 30)
        #expect(
            log.all("log_lines_dropped").contains {
                ($0["dropped_lines"] as? Int ?? 0) > 0 && $0["level"] as? String == "warning"
            },
            "\(read.suffix(600))")
        return log.events
    }

    @Test func everyReboundEventIsOneParsableLineWithItsFields() throws {
        try Harness.requirePIDNamespaces()
        var seen: Set<String> = [], leftOut: Set<String> = []

        // Restarts until -r is used up; an exit 0; a child killed by SIGTERM; status files that are
        // in an open directory and in a missing one.
        var (run, logs) = try Self.run(
            #"""
            mkdir $D/open && chmod 777 $D/open
            "$REBOUND" --log-format json -r 1 -- sh -c 'exit 2' 2> $D/restarts.log; echo "restarts=$?"
            "$REBOUND" --log-format json --status-file $D/open/status.json -- true 2> $D/finished.log; echo "finished=$?"
            "$REBOUND" --log-format json --status-file $D/missing/status.json -- sh -c 'kill -TERM $$' 2> $D/terminated.log
            echo "terminated=$?"
            """#, logs: ["restarts", "finished", "terminated"], tool: "rebound")
        #expect(
            run.stdout.contains("restarts=2") && run.stdout.contains("finished=0") && run.stdout.contains("terminated=143"),
            "\(run)")
        var log = logs["restarts"]!
        #expect(log.first("child_starting")["program"] as? String == "sh")
        let restarting = log.first("child_restarting")
        #expect(
            restarting["exit_code"] as? Int == 2 && restarting["restarts"] as? Int == 1 && restarting["child_pid"] is Int,
            "\(restarting)")
        #expect(
            restarting["message"] as? String
                == "child (pid \(restarting["child_pid"] as? Int ?? -1)) exited with status 2, restarting (1)")
        #expect(log.first("child_ended")["exit_code"] as? Int == 2)
        #expect(
            log.first("max_restarts_reached")["max_restarts"] as? Int == 1
                && log.first("max_restarts_reached")["exit_code"] as? Int == 2)
        seen.formUnion(log.events)
        log = logs["finished"]!
        #expect((log.first("status_file_directory_unsafe")["path"] as? String)?.hasSuffix("/open/status.json") == true)
        #expect(log.first("child_finished")["exit_code"] as? Int == 0)
        seen.formUnion(log.events)
        log = logs["terminated"]!
        #expect(
            log.first("status_file_write_failed")["error"] is String
                && log.first("status_file_write_failed")["level"] as? String == "warning")
        #expect(log.first("child_terminated")["signal"] as? String == "SIGTERM")
        seen.formUnion(log.events)

        // A program that is not there, restarted after the backoff; as PID 1 with nothing left to drain.
        (run, logs) = try Self.run(
            #"""
            unshare --pid --fork --mount-proc "$REBOUND" --log-format json -r 1 -b 1 --backoff-max 0.1 --grace 1 -- $D/missing \
                2> $D/missing.log
            echo "status=$?"
            """#, logs: ["missing"], tool: "rebound")
        #expect(run.stdout.contains("status=127"), "\(run)")
        log = logs["missing"]!
        if Harness.execFailureReportsWork {
            #expect(log.first("spawn_failed")["error"] as? String == "No such file or directory")
        } else {
            leftOut.insert("spawn_failed")
        }
        #expect(log.first("restart_throttled")["delay_seconds"] is NSNumber)
        #expect(log.first("child_restarting")["exit_code"] as? Int == 127)
        seen.formUnion(log.events)

        // As PID 1: a forwarded signal; SIGTERM to a child that ignores it, SIGKILL after
        // --stop-timeout; the drain SIGKILLs what ignores SIGTERM too.
        (run, logs) = try Self.run(
            #"""
            cat > $D/child.sh <<'CHILD'
            exec 2>/dev/null
            trap '' TERM USR1
            ( exec sleep 1000 & )
            echo r > $D/ready
            while :; do sleep 0.05; done
            CHILD
            unshare --pid --fork --mount-proc "$REBOUND" --log-format json --stop-timeout 0.3 --grace 0.3 -- sh $D/child.sh \
                2> $D/signals.log & u=$!; trap 'kill -KILL $(child_of $u 2>/dev/null) $u 2>/dev/null' EXIT
            wait_for $D/ready
            s=$(child_of $u)
            kill -USR1 $s; wait_for_text $D/signals.log SIGUSR1
            kill -TERM $s
            wait $u; echo "status=$?"
            """#, logs: ["signals"], tool: "rebound")
        #expect(run.stdout.contains("status=137"), "\(run)")
        log = logs["signals"]!
        let forwarded = log.all("signal_forwarded").compactMap { $0["signal"] as? String }
        #expect(forwarded.contains("SIGUSR1") && forwarded.contains("SIGTERM"), "\(forwarded)")
        #expect(log.first("stop_timeout_expired")["child_pid"] is Int)
        #expect(log.first("shutdown")["signal"] as? String == "SIGKILL")
        #expect(log.first("drain_stopping")["grace_seconds"] as? Double == 0.3 && log.first("drain_killing")["pids"] is [Int])
        seen.formUnion(log.events)

        // SIGTERM during a restart delay; the drain finds a process that stops in time.
        (run, logs) = try Self.run(
            #"""
            unshare --pid --fork --mount-proc "$REBOUND" --log-format json -d 60 --grace 30 -- sh -c '( exec sleep 1000 & ); exit 1' \
                2> $D/delay.log & u=$!; trap 'kill -KILL $(child_of $u 2>/dev/null) $u 2>/dev/null' EXIT
            wait_for_text $D/delay.log child_restarting
            kill -TERM $(child_of $u)
            wait $u; echo "status=$?"
            """#, logs: ["delay"], tool: "rebound")
        #expect(run.stdout.contains("status=143"), "\(run)")
        log = logs["delay"]!
        #expect(log.first("shutdown_during_delay")["signal"] as? String == "SIGTERM")
        #expect(log.first("drain_all_gone")["after_seconds"] is NSNumber)
        seen.formUnion(log.events)

        // The host's /proc in a new PID namespace: the drain cannot list what is left.
        (run, logs) = try Self.run(
            #"""
            unshare --pid --fork "$REBOUND" --log-format json --grace 1 -- true 2> $D/foreign.log; echo "status=$?"
            """#, logs: ["foreign"], tool: "rebound")
        #expect(logs["foreign"]!.first("drain_cannot_list")["error"] is String, "\(run)")
        seen.formUnion(logs["foreign"]!.events)

        // Health checks that fail: in the start period, then counted until the child is unhealthy.
        (run, logs) = try Self.run(
            #"""
            "$REBOUND" --log-format json --health-cmd 'exit 1' --health-interval 0.2 --health-retries 2 --health-start-period 1 \
                -- sleep 1000 2> $D/health.log & r=$!; trap 'kill -TERM $r 2>/dev/null' EXIT
            wait_for_text $D/health.log child_restarting
            kill -TERM $r; wait $r; echo "status=$?"
            """#, logs: ["health"], tool: "rebound")
        log = logs["health"]!
        let checks = log.all("health_check_failed")
        #expect(checks.contains { $0["counted"] as? Bool == false && $0["health_result"] as? String == "exit 1" }, "\(checks)")
        #expect(
            checks.contains {
                $0["counted"] as? Bool == true && $0["failures"] as? Int == 2 && $0["retries"] as? Int == 2
                    && $0["level"] as? String == "warning"
            }, "\(checks)")
        #expect(checks.allSatisfy { $0["counted"] as? Bool == true || $0["level"] as? String == "info" }, "\(checks)")
        #expect(log.first("child_restarting")["unhealthy"] as? Bool == true, "\(run)")
        seen.formUnion(log.events)

        if Self.emulated {
            leftOut.formUnion(["health_check_not_run", "health_checks_resumed"])
        } else {
            // Checks that cannot start while the child's two helpers hold the last of the user's
            // processes (RLIMIT_NPROC 5: unshare, rebound, the child, two helpers), then can again once
            // they are gone. RLIMIT_NPROC counts a user's processes in its user namespace and those above
            // it, so this runs as a user no other test runs as.
            (run, logs) = try Self.run(
                #"""
                chmod 755 $D
                cat > $D/child.sh <<'CHILD'
                sleep 2 & sleep 2 & wait
                exec sleep 1000
                CHILD
                prlimit --nproc=5 setpriv --reuid=61022 --regid=61022 --clear-groups                 unshare --user --map-root-user --pid --fork --mount-proc --kill-child                 "$REBOUND" --log-format json --health-cmd true --health-interval 0.2 -- sh $D/child.sh 2> $D/notrun.log & r=$!; trap 'kill -KILL $(child_of $r 2>/dev/null) 2>/dev/null' EXIT
                wait_for_text $D/notrun.log health_checks_resumed
                kill -TERM $(child_of $r); wait $r; echo "status=$?"
                """#, logs: ["notrun"], tool: "rebound")
            log = logs["notrun"]!
            #expect((log.first("health_check_not_run")["health_result"] as? String)?.hasPrefix("not run: ") == true, "\(run)")
            #expect((log.first("health_checks_resumed")["checks_not_run"] as? Int ?? 0) >= 1)
            seen.formUnion(log.events)
        }

        // qemu-user answers /proc/self/exe itself, /proc or not; a sanitizer's runtime needs /proc and
        // writes its own warnings to standard error without it.
        if Self.emulated || Harness.sanitizer != nil {
            leftOut.insert("health_runner_unavailable")
        } else {
            // Without /proc rebound cannot execute itself as the checks' runner.
            (run, logs) = try Self.run(
                #"""
                unshare --pid --fork --mount sh -c 'umount -l /proc && exec "$REBOUND" --log-format json --health-cmd true \
                    --health-interval 0.2 -- sh -c "sleep 1"' 2> $D/noproc.log
                echo "status=$?"
                """#, logs: ["noproc"], tool: "rebound")
            #expect(logs["noproc"]!.first("health_runner_unavailable")["level"] as? String == "warning", "\(run)")
            seen.formUnion(logs["noproc"]!.events)
        }

        // 3 KB program paths make 3 KB lines: a few restarts fill the pipe.
        let program = "/" + String(repeating: "./", count: 1500) + "bin/sh"
        try Harness.withTemporaryDirectory { directory in
            let status = directory + "/status.json"
            func restarts() -> Int { ReboundStatusFile.restarts(at: status) }
            seen.formUnion(
                try Self.droppedLines(
                    Harness.rebound, tool: "rebound", ["-b", "0", "--status-file", status, "--", program, "-c", "exit 1"]
                ) {
                    restarts() >= 100
                })
        }

        // rebound has no debug level: the drain's sweeps and ignored signals are never shown.
        let expected = Set(ReboundLogEvent.allCases.map(\.rawValue) + SharedLogEvent.allCases.map(\.rawValue))
            .subtracting(["drain_signalled", "drain_signal_ignored"])
        #expect(seen.isSubset(of: expected), "unknown events: \(seen.subtracting(expected))")
        let missing = expected.subtracting(seen).subtracting(Self.injectedFailureEvents).subtracting(leftOut)
        #expect(missing.isEmpty, "no scenario logged \(missing.sorted())")
    }
}
