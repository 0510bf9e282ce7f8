import ProcessKit

/// The init loop: set up signals, start the child, then sleep until a signal comes; forward it,
/// or on SIGCHLD reap, until the main child has exited.
struct Supervisor {
    let options: SwinitOptions
    let log: Log

    init(options: SwinitOptions) {
        self.options = options
        log = Log(verbosity: options.verbosity)
    }

    /// Runs the child to its end and returns swinit's exit code.
    func run() -> Int32 {
        // Printed whatever the verbosity: a level that was misread is what they are about.
        for warning in options.warnings { Log(verbosity: 1).warning(warning) }
        if let signal = options.parentDeathSignal {
            do { try ProcessControl.setParentDeathSignal(signal) } catch {
                log.fatal("cannot set parent death signal \(signal.name): \(error)")
                return 1
            }
        }
        if options.subreaper {
            do { try ProcessControl.setChildSubreaper() } catch {
                log.fatal("cannot register as a child subreaper: \(error) (requires Linux >= 3.4)")
                return 1
            }
        }
        if ProcessControl.pid != 1 && !ProcessControl.isChildSubreaper {
            log.warning("swinit is not running as PID 1 and isn't registered as a child subreaper. Zombie processes will not be re-parented to swinit, so zombie reaping won't work. To fix the problem, use the -s option or set the environment variable TINI_SUBREAPER (or SWINIT_SUBREAPER) to register swinit as a child subreaper, or run swinit as PID 1.")
        }

        let signals: SupervisorSignals
        do { signals = try SupervisorSignals() } catch {
            log.fatal("cannot set up signal handling: \(error)")
            return 1
        }
        let waiter = signals.waiter

        if options.pause { return runPaused(waiter: waiter) }

        var command = Command(bytes: options.command[0], arguments: Array(options.command.dropFirst()))
        command.processGroup = .new
        command.foregroundTerminal = 0
        signals.prepare(&command)
        command.inheritsAllFileDescriptors = true  // as tini does: fds handed to us reach the child
        let child: ChildProcess
        do {
            child = try command.spawn()
        } catch {
            log.fatal(error.description)
            // As in tini, a child that could not exec the program is a child that exited 127 or 126
            // (1 for an earlier step): -e and --grace apply. No child at all (fork failed) is fatal.
            guard error.childPID != nil else { return error.shellExitCode }
            let status = WaitStatus.exited(code: error.shellExitCode)
            log.info("Main child exited normally (with status '\(error.shellExitCode)')")
            return finish(status, waiter: waiter)
        }
        log.info("Spawned child process '\(command.program)' with pid '\(child.pid)'")

        var stopSequence = StopSequenceProgress(options.stopSequence)
        while true {
            let received: ReceivedSignal?
            do { received = try waiter.wait(until: stopSequence.nextDue) } catch {
                // The child is running: exiting now would have the kernel kill it. Log, and carry on.
                waitFailed(error)
                if let status = reap(mainChild: child.pid) { return finish(status, waiter: waiter) }
                continue
            }
            guard let received else {  // the next --stop-sequence step is due
                if let step = stopSequence.takeStep() { take(step, to: child, reason: "stop sequence, \(stopSequence.position)") }
                continue
            }
            if received.signal == .child {
                if let status = reap(mainChild: child.pid) { return finish(status, waiter: waiter) }
            } else if received.signal == .terminate, let step = stopSequence.takeStep() {
                take(step, to: child, reason: "SIGTERM started or skipped ahead the stop sequence, \(stopSequence.position)")
            } else {
                forward(received.signal, to: child)
            }
        }
    }

    /// swinit's exit code once the main child has ended, after the --grace drain if one was asked for.
    func finish(_ status: WaitStatus, waiter: SignalWaiter) -> Int32 {
        if let drain = options.drain { self.drain(drain, waiter: waiter) }
        return exitCode(for: status)
    }

    /// What the loops do when waiting for signals failed: log it and pause briefly, so a failure that
    /// persists neither ends swinit (and with it, by the kernel's hand, everything it supervises) nor spins.
    func waitFailed(_ error: Errno) {
        log.warning("waiting for signals failed: \(error); carrying on")
        Deadline.after(seconds: 0.1).sleep()
    }

    /// Reaps every exited child; returns the main child's status once it has ended.
    func reap(mainChild: Int32) -> WaitStatus? {
        // Whether an orphan's line prints is decided once per SIGCHLD, not once per zombie: without -w or -vv,
        // an orphan then costs a test of this flag, not a call into the logger.
        let reportsOrphans = options.warnOnReap ? log.showsWarnings : log.showsDebug
        let status = Reaper.reapExited(mainChild: mainChild) { orphan in
            guard reportsOrphans else { return }
            if options.warnOnReap {
                log.warning("Reaped zombie process with pid=\(orphan.pid)")
            } else {
                log.debug("Reaped zombie process with pid=\(orphan.pid)")
            }
        }
        if let status {
            switch status {
            case .exited(let code): log.info("Main child exited normally (with status '\(code)')")
            case .signaled(let signal, _): log.info("Main child exited with signal (with signal '\(signal.name)')")
            default: log.info("Main child \(status.description)")
            }
        }
        return status
    }

    /// Passes a received signal on to the child, as --rewrite says (possibly not at all).
    func forward(_ signal: Signal, to child: ChildProcess) {
        guard let rewritten = options.rewrites.rewritten(signal) else {
            log.debug("Dropping signal '\(signal.name)' (--rewrite \(signal.name):0)")
            return
        }
        if rewritten != signal {
            send(rewritten, to: child, reason: "--rewrite of \(signal.name)")
            return
        }
        deliver(signal, to: child, logLine: "Passing signal: '\(signal.name)'")
    }

    /// Sends a --stop-sequence step's signal, or for the "nothing yet" of a leading delay, says so.
    /// A step that does not stop processes is followed by SIGCONT: an earlier SIGTSTP stops whatever
    /// in the group does not handle it (with -g, the entrypoint shell around the worker), and a stopped
    /// process would act on SIGTERM only once continued.
    func take(_ step: StopSequence.Step, to child: ChildProcess, reason: String) {
        guard let signal = step.signal else {
            log.debug("Holding the stop for now (\(reason))")
            return
        }
        send(signal, to: child, reason: reason)
        if ![Signal.terminalStop, .stop, .terminalInput, .terminalOutput, .continue].contains(signal) {
            send(.continue, to: child, reason: "after \(signal.name), so that a stopped process acts on it")
        }
    }

    /// Sends `signal` to the child (or its group with -g) for `reason`, as is.
    func send(_ signal: Signal, to child: ChildProcess, reason: String) {
        deliver(signal, to: child, logLine: "Sending signal '\(signal.name)' (\(reason))")
    }

    /// Sends `signal` to the child, or its group with -g; a child already gone is no error.
    func deliver(_ signal: Signal, to child: ChildProcess, logLine: @autoclosure () -> String) {
        log.debug(logLine())
        do { try child.send(signal, toGroup: options.signalProcessGroup) } catch {
            if error != .noSuchProcess { log.warning("Failed to send signal \(signal.name) to the child: \(error)") }
        }
    }

    /// The child's shell exit code, or 0 when -e names it.
    func exitCode(for status: WaitStatus) -> Int32 {
        let code = status.shellExitCode
        return options.remappedExitCodes.contains(code) ? 0 : code
    }
}
