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
        log = Log(verbosity: options.verbosity, format: options.logFormat)
    }

    /// Runs the child to its end and returns swinit's exit code.
    func run() -> Int32 {
        // Printed whatever the verbosity: a level that was misread is what they are about.
        let always = Log(verbosity: max(1, options.verbosity), format: options.logFormat)
        for warning in options.warnings { always.warning(.settingReadLeniently, warning) }
        if let signal = options.parentDeathSignal {
            do { try ProcessControl.setParentDeathSignal(signal) } catch {
                log.fatal(
                    .parentDeathSignalFailed, "cannot set parent death signal \(signal.name): \(error)",
                    [.signal(signal), .error("\(error)")])
                return 1
            }
        }
        guard let events = SupervisorStartup.events(subreaper: options.subreaper ? .required : .unchanged, log: log.output) else {
            return 1
        }
        if ProcessControl.pid != 1 && !ProcessControl.isChildSubreaper {
            log.warning(
                .notReaping,
                """
                swinit is not running as PID 1 and isn't registered as a child subreaper. \
                Zombie processes will not be re-parented to swinit, so zombie reaping won't work. \
                To fix the problem, use the -s option or set the environment variable TINI_SUBREAPER \
                (or SWINIT_SUBREAPER) to register swinit as a child subreaper, or run swinit as PID 1.
                """)
        }

        var child: ChildProcess?
        if options.pause {
            // What catatonit does for a pause container: pin no mount, hold nothing it inherited open.
            do { try ProcessControl.changeDirectory(to: "/") } catch {
                log.warning(.pauseDirectoryFailed, "Pause mode: cannot change to '/': \(error)", [.error("\(error)")])
            }
            ProcessControl.closeDescriptors(from: 3)
            log.info(.pauseStarted, "Pause mode: reaping until SIGINT or SIGTERM")
        } else {
            do {
                var command = events.command(options.command, newProcessGroup: true)
                user?.apply(to: &command)
                let started = try events.start(command)
                log.info(
                    .childSpawned, "Spawned child process '\(options.program)' with pid '\(started.pid)'",
                    [.program(options.program), .childPID(started.pid)])
                child = started
            } catch {
                log.fatal(
                    .spawnFailed, error.description,
                    [.program(options.program), .error(error.errno.description), .childPID(error.childPID)])
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
                let fields: [LogField] = [.childPID(child?.pid), .status(status)]
                switch status {
                case .exited(let code): log.info(.childExited, "Main child exited normally (with status '\(code)')", fields)
                case .signaled(let signal, _):
                    log.info(.childExited, "Main child exited with signal (with signal '\(signal.name)')", fields)
                default: log.info(.childExited, "Main child \(status.description)", fields)
                }
                return finish(status, events: events)
            case .stopPausing(let signal):
                log.info(.pauseEnded, "Pause mode: \(signal.name) received, exiting", [.signal(signal)])
                return finish(.exited(code: 0), events: events)
            case .ignore(let signal): log.debug(.signalIgnored, "Pause mode: ignoring signal '\(signal.name)'", [.signal(signal)])
            case .pass(let signal):
                deliver(signal, to: child, events: events, .signalForwarded, "Passing signal: '\(signal.name)'")
            case .send(let signal, let reason, let thenContinue):
                deliver(
                    signal, to: child, events: events, .signalSent, "Sending signal '\(signal.name)' (\(reason))", reason: reason)
                if thenContinue {
                    let reason = "after \(signal.name), so that a stopped process acts on it"
                    deliver(
                        .continue, to: child, events: events, .signalSent, "Sending signal 'SIGCONT' (\(reason))", reason: reason)
                }
            case .hold(let reason): log.debug(.stopHeld, "Holding the stop for now (\(reason))", [.reason(reason)])
            case .drop(let signal):
                log.debug(.signalDropped, "Dropping signal '\(signal.name)' (--rewrite \(signal.name):0)", [.signal(signal)])
            case .carryOn(let error):
                // Log and pause briefly (the next event reaps), so a failure that persists neither ends
                // swinit (and with it, by the kernel's hand, everything it supervises) nor spins.
                log.warning(.waitFailed, "waiting for signals failed: \(error); carrying on", [.error("\(error)")])
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
            SupervisorStartup.drain(drain, events, orphan: orphanLog, log: log.output, prefix: "Grace: ")
        }
        return options.exitCode(for: status)
    }

    /// Logs an adopted orphan swinit reaped: with -w as a warning, at -vv for debugging.
    func reaped(_ orphan: ReapedChild) {
        let line = "Reaped zombie process with pid=\(orphan.pid)"
        let fields: [LogField] = [.reapedPID(orphan.pid), .status(orphan.status)]
        if options.warnOnReap { log.warning(.zombieReaped, line, fields) } else { log.debug(.zombieReaped, line, fields) }
    }

    /// Sends `signal` to the child, or its group with -g, and logs it as `event`; a child already gone is no error.
    func deliver(
        _ signal: Signal, to child: ChildProcess?, events: SupervisorEvents, _ event: SwinitLogEvent,
        _ logLine: @autoclosure () -> String, reason: String? = nil
    ) {
        log.debug(event, logLine(), [.signal(signal), .reason(reason)])
        do { try events.forward(signal, to: child, toGroup: options.signalProcessGroup) } catch {
            log.warning(
                .signalFailed, "Failed to send signal \(signal.name) to the child: \(error)",
                [.signal(signal), .error("\(error)")])
        }
    }
}
