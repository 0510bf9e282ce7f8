import ProcessKit

/// rebound's main loop: start the child, sleep until a signal comes (forward it, or on SIGCHLD reap),
/// and when the child has ended ask the ``RestartPolicy`` whether to start it again. It never wakes
/// up on a timer except for a restart delay, a --stop-timeout or a health check, and reaps zombies
/// throughout.
struct RestartLoop {
    let options: ReboundOptions
    let log: Log
    let ownPID = ProcessControl.pid
    /// --status-file's contents, nil without the option.
    let statusFile: StatusFile?

    init(options: ReboundOptions) {
        self.options = options
        log = Log(quiet: options.quiet)
        statusFile = options.statusFile.map {
            StatusFile(path: $0, command: String(decoding: options.command[0], as: UTF8.self), log: Log(quiet: options.quiet),
                       healthChecked: options.healthCheck != nil)
        }
    }

    /// How one run of the child ended.
    enum ChildEnd {
        /// It ended on its own (or could not be executed); the policy decides what follows.
        case ended(pid: Int32, status: WaitStatus)
        /// It failed its health checks and was stopped; restarted by the restart rules whatever its status.
        case unhealthy(pid: Int32, status: WaitStatus)
        /// rebound was told to stop and the child has exited: exit with this code.
        case shutDown(exitCode: Int32)
    }

    /// Runs the child until a restart rule says stop, and returns rebound's exit code.
    func run() -> Int32 {
        if ownPID != 1 && !ProcessControl.isChildSubreaper {
            // Not PID 1: adopt orphans anyway so their zombies are reaped. Not fatal if refused.
            do { try ProcessControl.setChildSubreaper() } catch {
                log.info("cannot register as a child subreaper (\(error)); orphaned processes will not be reaped")
            }
        }
        let signals: SupervisorSignals
        do { signals = try SupervisorSignals() } catch {
            log.fatal("cannot set up signal handling: \(error)")
            return 1
        }
        let code = runUntilDone(signals)
        if let drain = options.drain { self.drain(drain, waiter: signals.waiter) }
        return code
    }

    /// Runs, restarts and stops the child by the restart rules; returns the code rebound exits with.
    func runUntilDone(_ signals: SupervisorSignals) -> Int32 {
        var policy = RestartPolicy(options: options)
        do {
            while true {
                let started = Deadline.now
                let end = try runChild(signals)
                let pid: Int32, status: WaitStatus, unhealthy: Bool
                switch end {
                case .shutDown(let code): return code
                case .ended(let endedPID, let endedStatus): (pid, status, unhealthy) = (endedPID, endedStatus, false)
                case .unhealthy(let endedPID, let endedStatus): (pid, status, unhealthy) = (endedPID, endedStatus, true)
                }
                let ranFor = Double(Deadline.now.nanoseconds - started.nanoseconds) / 1_000_000_000
                let decision = policy.decide(after: status, ranFor: ranFor, unhealthy: unhealthy)
                if case .stop = decision { statusFile?.ended(exitStatus: status.shellExitCode, restart: nil) }
                switch decision {
                case .stop(let reason, let code):
                    switch reason {
                    case .finished: log.info("child (pid \(pid)) exited with status 0, exiting")
                    case .terminated(let signal): log.info("child (pid \(pid)) terminated by signal \(signal.rawValue), exiting")
                    case .maxRestartsReached:
                        log.info("child (pid \(pid)) \(unhealthy ? "unhealthy" : RestartLoop.describeEnd(status))")
                        log.info("max restarts (\(options.maxRestarts)) reached, exiting")
                    }
                    return code
                case .restart(let count, let delay, let throttled):
                    log.info("child (pid \(pid)) \(unhealthy ? "unhealthy" : RestartLoop.describeEnd(status)), restarting (\(count))")
                    statusFile?.ended(exitStatus: status.shellExitCode, restart: count)
                    if throttled { log.info("child failing rapidly, delaying restart") }
                    if delay > 0, let code = try waitOutDelay(until: .after(seconds: delay), signals) { return code }
                }
            }
        } catch {
            log.fatal("waiting for signals failed: \(error)")
            return 1
        }
    }

    /// "exited with status S" or "killed by signal N", the C rebound's words for how a child ended.
    static func describeEnd(_ status: WaitStatus) -> String {
        if case .signaled(let signal, _) = status { return "killed by signal \(signal.rawValue)" }
        return "exited with status \(status.shellExitCode)"
    }

    /// Starts the child and waits for it to end, forwarding every signal but SIGCHLD to it, and
    /// runs its health checks (if any) in the same wait: each check is one more deadline here.
    func runChild(_ signals: SupervisorSignals) throws(Errno) -> ChildEnd {
        var command = Command(bytes: options.command[0], arguments: Array(options.command.dropFirst()))
        if options.ownProcessGroup {
            command.processGroup = .new
            command.foregroundTerminal = 0
        }
        signals.prepare(&command)
        command.inheritsAllFileDescriptors = true  // as tini does: fds handed to us reach the child
        log.info("starting \(command.program)")
        statusFile?.starting()
        let child: ChildProcess
        do {
            child = try command.spawn()
        } catch {
            log.info(error.step == .exec ? "exec \(command.program): \(error.errno)" : error.description)
            return .ended(pid: error.childPID ?? 0, status: .exited(code: error.shellExitCode))
        }
        var health = options.healthCheck.map { HealthMonitor(settings: $0) }
        statusFile?.running(pid: child.pid)
        defer { health?.stop() }

        var stopDeadline: Deadline?
        var stopping = false
        var unhealthy = false
        while true {
            // What is due first: checked on every turn, so a stream of signals cannot hold it off.
            if let deadline = stopDeadline, deadline.hasPassed {
                // --stop-timeout passed: the child ignored the stop signal.
                log.info("child (pid \(child.pid)) did not exit within the stop timeout, sending SIGKILL")
                try? child.send(.kill, toGroup: options.ownProcessGroup && !unhealthy)
                stopDeadline = nil
            }
            if let due = health?.nextDeadline, due.hasPassed, let outcome = health?.advance(signals),
               judge(outcome, of: child, health: &health) {
                unhealthy = true
                stopDeadline = stopForRestart(child, after: stopDeadline)
            }
            guard let received = try signals.waiter.wait(until: RestartLoop.earliest(stopDeadline, health?.nextDeadline)) else {
                continue
            }
            if received.signal == .child {
                var outcome: HealthMonitor.Outcome?
                let status = Reaper.reapExited(mainChild: child.pid) { reaped in
                    if let ended = health?.reaped(reaped) { outcome = ended }
                }
                if let status {
                    if stopping {
                        statusFile?.ended(exitStatus: status.shellExitCode, restart: nil)
                        log.info("child (pid \(child.pid)) exited, shutting down")
                        return .shutDown(exitCode: status.shellExitCode)
                    }
                    return unhealthy ? .unhealthy(pid: child.pid, status: status) : .ended(pid: child.pid, status: status)
                }
                if let outcome, !stopping, !unhealthy, judge(outcome, of: child, health: &health) {
                    unhealthy = true
                    stopDeadline = stopForRestart(child, after: stopDeadline)
                }
                continue
            }
            if isOwn(received) { continue }
            forward(received.signal, to: child)
            if isStopSignal(received.signal) && !stopping {
                stopping = true
                health?.stop()
                health = nil
                statusFile?.stopping()
                if options.stopTimeout > 0 {
                    stopDeadline = RestartLoop.earliest(stopDeadline, .after(seconds: options.stopTimeout))
                }
            }
        }
    }

    /// Logs and reports a health check's outcome; true when it made the child unhealthy (the checks
    /// then end for this run of the child).
    func judge(_ outcome: HealthMonitor.Outcome, of child: ChildProcess, health: inout HealthMonitor?) -> Bool {
        guard var monitor = health else { return false }
        let verdict = monitor.record(outcome)
        health = monitor
        let retries = monitor.settings.retries
        switch verdict {
        case .healthy: break
        case .ignoredInStartPeriod: log.info("health check failed (in the start period, not counted): \(outcome.description)")
        case .failed(let count), .unhealthy(let count): log.info("health check failed (\(count)/\(retries)): \(outcome.description)")
        }
        var unhealthy = false
        if case .unhealthy = verdict { unhealthy = true }
        // Docker's health states: "healthy" from a pass, "unhealthy" only at the retries-th failure.
        statusFile?.checked(result: outcome.description, failingStreak: monitor.policy.failures,
                            healthy: outcome.passed ? true : unhealthy ? false : nil, unhealthy: unhealthy)
        guard unhealthy else { return false }
        monitor.stop()
        health = nil
        return true
    }

    /// Stops an unhealthy child to restart it: the stop signal (SIGTERM, with a SIGCONT so that a
    /// stopped child can act on it) to the child alone, never to what it left behind; returns when
    /// SIGKILL follows: after --stop-timeout, or ``HealthCheckSettings/defaultStopSeconds`` when that is 0.
    func stopForRestart(_ child: ChildProcess, after earlier: Deadline?) -> Deadline? {
        try? child.send(.terminate)
        try? child.send(.continue)
        let seconds = options.stopTimeout > 0 ? options.stopTimeout : HealthCheckSettings.defaultStopSeconds
        return RestartLoop.earliest(earlier, .after(seconds: seconds))
    }

    /// The earlier of two optional deadlines.
    static func earliest(_ first: Deadline?, _ second: Deadline?) -> Deadline? {
        guard let first else { return second }
        guard let second else { return first }
        return min(first, second)
    }

    /// Sleeps until `deadline` while still reaping orphans; returns an exit code if SIGTERM or SIGINT
    /// came meanwhile (other signals have no child to go to and are dropped).
    func waitOutDelay(until deadline: Deadline, _ signals: SupervisorSignals) throws(Errno) -> Int32? {
        while let received = try signals.waiter.wait(until: deadline) {
            if received.signal == .child {
                Reaper.reapExited(mainChild: 0)
            } else if isStopSignal(received.signal) && !isOwn(received) {
                statusFile?.stopping()
                log.info("received signal \(received.signal.rawValue) during restart delay, shutting down")
                return 128 + received.signal.rawValue
            }
        }
        return nil
    }

    func forward(_ signal: Signal, to child: ChildProcess) {
        log.info("received signal \(signal.rawValue), forwarding to child")
        do { try child.send(signal) } catch {
            if error != .noSuchProcess { log.info("cannot forward signal \(signal.rawValue) to child (pid \(child.pid)): \(error)") }
        }
    }

    /// SIGTERM and SIGINT: forwarded like the rest, but they end rebound instead of a restart.
    func isStopSignal(_ signal: Signal) -> Bool { signal == .terminate || signal == .interrupt }

    /// A signal rebound raised itself, like the SIGPIPE from logging to a closed pipe: not the child's business.
    func isOwn(_ received: ReceivedSignal) -> Bool { received.senderPID == ownPID }
}
