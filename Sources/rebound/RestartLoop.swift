import ProcessKit
import ToolSupport

/// rebound's main loop: start the child, act on each event of the ``SupervisorEvents`` as the
/// ``ChildRunPolicy`` decides, and when the child has ended ask the ``RestartPolicy`` whether to start
/// it again. It never wakes up on a timer except for a restart delay, a --stop-timeout or a health
/// check, and reaps zombies throughout.
struct RestartLoop {
    let options: ReboundOptions
    /// --user, resolved: who the child and its health checks run as; nil runs them as rebound's own user.
    let user: UserIdentity?
    let log: Log
    /// --status-file's contents, nil without the option.
    let statusFile: StatusFile?

    init(options: ReboundOptions, user: UserIdentity? = nil) {
        self.options = options
        self.user = user
        let log = Log(quiet: options.quiet, format: options.logFormat)
        self.log = log
        statusFile = options.statusFile.map {
            StatusFile(path: $0, command: options.program, log: log, healthChecked: options.healthCheck != nil)
        }
    }

    /// How one run of the child ended.
    enum ChildEnd {
        /// It ended on its own or could not be executed, or (`unhealthy`) it failed its health checks
        /// and was stopped, to be restarted whatever its status: the restart rules decide what follows.
        case ended(pid: Int32, status: WaitStatus, unhealthy: Bool)
        /// rebound was told to stop and the child has exited: exit with this code.
        case shutDown(exitCode: Int32)
    }

    /// Runs the child until a restart rule says stop, and returns rebound's exit code.
    func run() -> Int32 {
        // Not PID 1: adopt orphans anyway so their zombies are reaped. Not fatal if refused.
        guard let events = SupervisorStartup.events(subreaper: .whenNotPID1, log: log.output) else { return 1 }
        if let warning = statusFile?.directoryWarning, let statusFile {
            log.warning(.statusFileDirectoryUnsafe, warning, [.path(Output.printable(statusFile.path))])
        }
        let code = runUntilDone(events)
        if let drain = options.drain {
            // --grace: stop what is left (the database a control plane started with `pg_ctl`) rather
            // than leave it to the kernel's SIGKILL; rebound has no debug level, so no details.
            SupervisorStartup.drain(drain, events, log: log.output, prefix: "grace: ")
        }
        return code
    }

    /// Runs, restarts and stops the child by the restart rules; returns the code rebound exits with.
    func runUntilDone(_ events: SupervisorEvents) -> Int32 {
        var policy = RestartPolicy(options: options)
        do {
            while true {
                let started = Deadline.now
                let pid: Int32, status: WaitStatus, unhealthy: Bool
                switch try runChild(events) {
                case .shutDown(let code): return code
                case .ended(let endedPID, let endedStatus, let stopped):
                    (pid, status, unhealthy) = (endedPID, endedStatus, stopped)
                }
                let ranFor = started.elapsed
                switch policy.decide(after: status, ranFor: ranFor, unhealthy: unhealthy) {
                case .stop(let reason, let code):
                    statusFile?.ended(exitStatus: status.shellExitCode, restart: nil)
                    let fields = RestartLoop.endFields(pid: pid, status: status, unhealthy: unhealthy)
                    switch reason {
                    case .finished: log.info(.childFinished, "child (pid \(pid)) exited with status 0, exiting", fields)
                    case .terminated(let signal):
                        log.info(.childTerminated, "child (pid \(pid)) terminated by signal \(signal.rawValue), exiting", fields)
                    case .maxRestartsReached:
                        log.info(.childEnded, RestartLoop.describeEnd(pid: pid, status: status, unhealthy: unhealthy), fields)
                        log.info(
                            .maxRestartsReached, "max restarts (\(options.maxRestarts)) reached, exiting",
                            [.maxRestarts(options.maxRestarts), .exitCode(code)])
                    }
                    return code
                case .restart(let count, let delay, let throttled):
                    log.info(
                        .childRestarting,
                        RestartLoop.describeEnd(pid: pid, status: status, unhealthy: unhealthy) + ", restarting (\(count))",
                        RestartLoop.endFields(pid: pid, status: status, unhealthy: unhealthy, restarts: count))
                    statusFile?.ended(exitStatus: status.shellExitCode, restart: count)
                    if throttled { log.info(.restartThrottled, "child failing rapidly, delaying restart", [.delay(delay)]) }
                    if delay > .zero, let code = try waitOutDelay(until: .after(delay), events) { return code }
                }
            }
        } catch {
            log.fatal(.waitFailed, "waiting for signals failed: \(error)", [.error("\(error)")])
            return 1
        }
    }

    /// "child (pid N) exited with status S", "… killed by signal N" or "… unhealthy", the C rebound's
    /// words for how a child ended; "no child could be started" when none was (pid 0: fork failed,
    /// and the line before said why), rather than a "pid 0" that never ran.
    static func describeEnd(pid: Int32, status: WaitStatus, unhealthy: Bool) -> String {
        guard pid != 0 else { return "no child could be started" }
        if unhealthy { return "child (pid \(pid)) unhealthy" }
        if case .signaled(let signal, _) = status { return "child (pid \(pid)) killed by signal \(signal.rawValue)" }
        return "child (pid \(pid)) exited with status \(status.shellExitCode)"
    }

    /// What ``describeEnd(pid:status:unhealthy:)`` says, as JSON fields: the pid (none when no child
    /// started), then `unhealthy`, or the exit code or signal; and the restart that follows, if any.
    static func endFields(pid: Int32, status: WaitStatus, unhealthy: Bool, restarts: Int32? = nil) -> [LogField] {
        [.childPID(pid == 0 ? nil : pid), unhealthy ? .unhealthy(true) : .status(status), .restarts(restarts)]
    }

    /// Starts the child and waits for it to end, forwarding every signal but SIGCHLD to it, and
    /// runs its health checks (if any) in the same wait: each check is one more deadline here.
    func runChild(_ events: SupervisorEvents) throws(Errno) -> ChildEnd {
        log.info(.childStarting, "starting \(options.program)", [.program(options.program)])
        statusFile?.starting()
        var child: ChildProcess?, pid: Int32 = 0
        var health: HealthMonitor?
        do {
            var command = events.command(options.command, newProcessGroup: options.ownProcessGroup)
            user?.apply(to: &command)
            let started = try events.start(command)
            (child, pid) = (started, started.pid)
            health = options.healthCheck.map { HealthMonitor(settings: $0, user: user) }
            statusFile?.running(pid: pid)
        } catch {
            // The child's end (127, 126 or 1) is the next event.
            log.warning(
                .spawnFailed, error.step == .exec ? "exec \(options.program): \(error.errno)" : error.description,
                [.program(options.program), .error(error.errno.description), .childPID(error.childPID)])
            pid = error.childPID ?? 0
        }
        defer { health?.stop() }

        var run = ChildRunPolicy(stopTimeout: options.stopTimeout)
        while true {
            // What is due first: checked on every turn, so a stream of signals cannot hold it off.
            if run.killIsDue(now: .now) {
                // --stop-timeout passed: the child ignored the stop signal.
                log.warning(
                    .stopTimeoutExpired, "child (pid \(pid)) did not exit within the stop timeout, sending SIGKILL",
                    [.childPID(pid)])
                try? child?.send(.kill, toGroup: options.ownProcessGroup && !run.unhealthy)
            }
            if let due = health?.nextDeadline, due.hasPassed, let outcome = health?.advance(events) {
                judge(outcome, of: child, health: &health, run: &run)
            }
            if let notice = health?.takeNotice() { log.warning(.healthRunnerUnavailable, notice) }
            switch run.decide(events.next(until: run.wakeUp(or: health?.nextDeadline)), child: pid, now: .now) {
            case .childEnded(let status, let unhealthy): return .ended(pid: pid, status: status, unhealthy: unhealthy)
            case .shutDown(let status):
                statusFile?.ended(exitStatus: status.shellExitCode, restart: nil)
                log.info(.shutdown, "child (pid \(pid)) exited, shutting down", [.childPID(pid), .status(status)])
                return .shutDown(exitCode: status.shellExitCode)
            case .checkEnded(let checkPID, let status):
                if let outcome = health?.ended(pid: checkPID, status: status) {
                    judge(outcome, of: child, health: &health, run: &run)
                }
            case .forward(let signal, let startsStop):
                log.info(
                    .signalForwarded, "received signal \(signal.rawValue), forwarding to child",
                    [.signal(signal), .childPID(pid)])
                do { try events.forward(signal, to: child) } catch {
                    log.warning(
                        .signalFailed, "cannot forward signal \(signal.rawValue) to child (pid \(pid)): \(error)",
                        [.signal(signal), .childPID(pid), .error("\(error)")])
                }
                if startsStop {
                    health?.stop()
                    health = nil
                    statusFile?.stopping()
                }
            case .fail(let error): throw error
            case .nothing: continue
            }
        }
    }

    /// Logs and reports a health check's outcome. When it makes the child unhealthy the checks end
    /// for this run of the child, and the child is stopped to be restarted: the stop signal
    /// (SIGTERM, with a SIGCONT so that a stopped child can act on it) to the child alone, never to
    /// what it left behind.
    func judge(_ outcome: HealthMonitor.Outcome, of child: ChildProcess?, health: inout HealthMonitor?, run: inout ChildRunPolicy)
    {
        let notRunBefore = health?.notRunInARow ?? 0
        let recorded = health?.record(outcome)
        guard let monitor = health else { return }
        guard let verdict = recorded else {
            // Not started: says nothing about the child. Logged at the first of a series.
            if monitor.notRunInARow == 1, case .notRun(let reason) = outcome {
                log.warning(
                    .healthCheckNotRun, "health check not run (not counted): " + reason, [.healthResult(outcome.description)])
            }
            statusFile?.notRun(result: outcome.description)
            return
        }
        if notRunBefore > 0 {
            log.info(
                .healthChecksResumed, "health checks run again, after \(notRunBefore) not run", [.checksNotRun(notRunBefore)])
        }
        switch verdict {
        case .healthy: break
        case .ignoredInStartPeriod:
            log.info(
                .healthCheckFailed, "health check failed (in the start period, not counted): \(outcome.description)",
                [.healthResult(outcome.description), .counted(false)])
        case .failed(let count), .unhealthy(let count):
            log.warning(
                .healthCheckFailed, "health check failed (\(count)/\(monitor.settings.retries)): \(outcome.description)",
                [.healthResult(outcome.description), .counted(true), .failures(count), .retries(monitor.settings.retries)])
        }
        var unhealthy = false
        if case .unhealthy = verdict { unhealthy = true }
        // Docker's health states: "healthy" from a pass, "unhealthy" only at the retries-th failure.
        statusFile?.checked(
            result: outcome.description, failingStreak: monitor.policy.failures,
            healthy: outcome == .passed ? true : unhealthy ? false : nil, unhealthy: unhealthy)
        guard unhealthy else { return }
        monitor.stop()
        health = nil
        try? child?.send(.terminate)
        try? child?.send(.continue)
        run.stopUnhealthy(now: .now)
    }

    /// Sleeps until `deadline` while still reaping orphans; returns an exit code if SIGTERM or SIGINT
    /// came meanwhile (other signals have no child to go to and are dropped).
    func waitOutDelay(until deadline: Deadline, _ events: SupervisorEvents) throws(Errno) -> Int32? {
        while true {
            switch RestartPolicy.duringDelay(events.next(until: deadline)) {
            case .restart: return nil
            case .stop(let signal):
                statusFile?.stopping()
                log.info(
                    .shutdownDuringDelay, "received signal \(signal.rawValue) during restart delay, shutting down",
                    [.signal(signal)])
                return 128 + signal.rawValue
            case .fail(let error): throw error
            case nil: continue
            }
        }
    }
}
