import ProcessKit
import ToolSupport

/// The init loop: set up signals and start the child (none in pause mode), then act on each event
/// as ``SupervisorPolicy`` decides, until the main child has exited.
final class Supervisor {
    let options: SwinitOptions
    /// --user, resolved: who the child runs as; nil runs it as swinit's own user.
    let user: UserIdentity?
    let log: Log
    /// Logs a reaped orphan (-w, or -vv); nil without them, so that reaping a zombie calls nothing.
    var orphanLog: ((ReapedChild) -> Void)? { (options.warnOnReap ? log.showsWarnings : log.showsDebug) ? reaped : nil }

    init(options: SwinitOptions, user: UserIdentity? = nil) {
        self.options = options
        self.user = user
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
        guard let events = SupervisorStartup.events(subreaper: options.subreaper ? .required : .unchanged, fatal: log.fatal, note: { _ in })
        else { return 1 }
        if ProcessControl.pid != 1 && !ProcessControl.isChildSubreaper {
            log.warning("""
                swinit is not running as PID 1 and isn't registered as a child subreaper. \
                Zombie processes will not be re-parented to swinit, so zombie reaping won't work. \
                To fix the problem, use the -s option or set the environment variable TINI_SUBREAPER \
                (or SWINIT_SUBREAPER) to register swinit as a child subreaper, or run swinit as PID 1.
                """)
        }

        var child: ChildProcess?
        if options.pause {
            // What catatonit does for a pause container: pin no mount, hold nothing it inherited open.
            do { try ProcessControl.changeDirectory(to: "/") } catch { log.warning("Pause mode: cannot change to '/': \(error)") }
            ProcessControl.closeDescriptors(from: 3)
            log.info("Pause mode: reaping until SIGINT or SIGTERM")
        } else {
            do {
                var command = events.command(options.command, newProcessGroup: true)
                user?.apply(to: &command)
                let started = try events.start(command)
                log.info("Spawned child process '\(options.program)' with pid '\(started.pid)'")
                child = started
            } catch {
                log.fatal(error.description)
                // As in tini, a child that could not exec the program is a child that exited 127 or 126
                // (1 for an earlier step): the next event says so, and -e and --grace apply. No child at
                // all (fork failed) is fatal.
                guard error.childPID != nil else { return error.shellExitCode }
            }
        }

        var policy = SupervisorPolicy(options: options)
        while true {
            switch policy.decide(events.next(until: policy.nextDue, orphan: orphanLog), now: .now) {
            case .childEnded(let status):
                switch status {
                case .exited(let code): log.info("Main child exited normally (with status '\(code)')")
                case .signaled(let signal, _): log.info("Main child exited with signal (with signal '\(signal.name)')")
                default: log.info("Main child \(status.description)")
                }
                return finish(status, events: events)
            case .stopPausing(let signal):
                log.info("Pause mode: \(signal.name) received, exiting")
                return finish(.exited(code: 0), events: events)
            case .ignore(let signal): log.debug("Pause mode: ignoring signal '\(signal.name)'")
            case .pass(let signal): deliver(signal, to: child, events: events, logLine: "Passing signal: '\(signal.name)'")
            case .send(let signal, let reason, let thenContinue):
                deliver(signal, to: child, events: events, logLine: "Sending signal '\(signal.name)' (\(reason))")
                if thenContinue {
                    deliver(.continue, to: child, events: events,
                            logLine: "Sending signal 'SIGCONT' (after \(signal.name), so that a stopped process acts on it)")
                }
            case .hold(let reason): log.debug("Holding the stop for now (\(reason))")
            case .drop(let signal): log.debug("Dropping signal '\(signal.name)' (--rewrite \(signal.name):0)")
            case .carryOn(let error):
                // Log and pause briefly (the next event reaps), so a failure that persists neither ends
                // swinit (and with it, by the kernel's hand, everything it supervises) nor spins.
                log.warning("waiting for signals failed: \(error); carrying on")
                Deadline.after(.milliseconds(100)).sleep()
            case .nothing: continue
            }
        }
    }

    /// swinit's exit code once the main child has ended, after the --grace drain if one was asked for.
    func finish(_ status: WaitStatus, events: SupervisorEvents) -> Int32 {
        if let drain = options.drain {
            // --grace: stop what is left (a worker an entrypoint script started without `exec`)
            // before the kernel SIGKILLs it: progress at -v, details at -vv, problems as warnings.
            SupervisorStartup.drain(drain, events, orphan: orphanLog) { text, importance in
                switch importance {
                case .progress: log.info("Grace: " + text)
                case .detail: log.debug("Grace: " + text)
                case .problem: log.warning("Grace: " + text)
                }
            }
        }
        return options.exitCode(for: status)
    }

    /// Logs an adopted orphan swinit reaped: with -w as a warning, at -vv for debugging.
    func reaped(_ orphan: ReapedChild) {
        let line = "Reaped zombie process with pid=\(orphan.pid)"
        if options.warnOnReap { log.warning(line) } else { log.debug(line) }
    }

    /// Sends `signal` to the child, or its group with -g; a child already gone is no error.
    func deliver(_ signal: Signal, to child: ChildProcess?, events: SupervisorEvents, logLine: @autoclosure () -> String) {
        log.debug(logLine())
        do { try events.forward(signal, to: child, toGroup: options.signalProcessGroup) } catch {
            log.warning("Failed to send signal \(signal.name) to the child: \(error)")
        }
    }
}
