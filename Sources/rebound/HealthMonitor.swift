import CProcessKit
import ProcessKit
import ToolSupport

/// Runs the health checks of one run of the child inside rebound's signal loop, never blocking it: it
/// says when it next needs the loop (``nextDeadline``: a check to start, a timeout, a teardown step),
/// starts checks and times them out in ``advance(_:now:)``, and learns of a check's exit from the
/// loop's events in ``ended(pid:status:now:)``. Meanwhile signals are still forwarded and the child's
/// own exit is still seen.
///
/// Each check runs `/bin/sh -c CMD` under a ``HealthCheckRunner`` (rebound's own binary again, found
/// through /proc/self/exe; a subreaper), in a process group of its own: when the shell exits, the
/// runner SIGKILLs whatever the check left, also what moved to a session of its own; when the timeout
/// has passed, the runner gets SIGTERM (which it passes on, with SIGKILL after 5 s), and SIGKILL
/// after 10 s should it still be there. Where rebound cannot execute itself (no /proc, an emulator),
/// the shell runs directly and only its process group is SIGKILLed at its end. The next check starts
/// an interval after the previous one ended.
///
/// A check that cannot be started (no process, fd or memory left) is ``Outcome/notRun(_:)``: it says
/// nothing about the child, so it never counts as a failure.
struct HealthMonitor {
    let settings: HealthCheckSettings
    /// --user: the checks run as the child's user, as Docker runs HEALTHCHECK as the container's USER.
    let user: UserIdentity?
    /// When the child (this run of it) started: the start period counts from here.
    let childStarted: Deadline
    private(set) var policy: HealthCheckPolicy
    /// When the next check starts; nil while one runs.
    private var nextCheck: Deadline?
    private var running: RunningCheck?

    /// Checks in a row that could not be started (``Outcome/notRun(_:)``), up to the last one recorded.
    private(set) var notRunInARow: Int32 = 0
    /// rebound's own binary, which runs each check as a ``HealthCheckRunner``; nil once the checks
    /// go straight to `/bin/sh` (rebound cannot execute itself).
    private var runner: [UInt8]?
    private var direct: Bool { runner == nil }
    /// Why, until ``takeNotice()`` hands it to the log.
    private var notice: String?

    /// A check process (the runner, or the shell when ``direct``), the read end of its report pipe,
    /// and its teardown once it has passed its timeout.
    private struct RunningCheck {
        let process: ChildProcess
        let report: FileDescriptor?
        let timeoutAt: Deadline
        var teardown: TeardownProgress?
    }

    /// How a check ended.
    enum Outcome: Equatable {
        case passed
        case exited(code: Int32)
        case killed(Signal)
        case timedOut(after: Duration)
        /// The check could not be started (fork, pipe, exec failed: no process, fd or memory left);
        /// the text says which step and why. Not a failure.
        case notRun(String)

        /// For the log and the status file: "passed", "exit 1", "killed by signal 9", "timed out after
        /// 2 s", "not run: cannot start /bin/sh: fork failed: Resource temporarily unavailable".
        var description: String {
            switch self {
            case .passed: return "passed"
            case .exited(let code): return "exit \(code)"
            case .killed(let signal): return "killed by signal \(signal.rawValue)"
            case .timedOut(let timeout): return "timed out after \(HealthMonitor.format(timeout)) s"
            case .notRun(let reason): return "not run: " + reason
            }
        }
    }

    /// A timed-out check's group gets SIGTERM, then this long to end, then SIGKILL: longer than the
    /// runner takes to stop what is below it, so its SIGKILL comes first.
    static let teardown = Teardown([.signal(.terminate), .wait(HealthCheckRunner.stopGrace * 2)], signalsProcessGroup: true)

    init(settings: HealthCheckSettings, user: UserIdentity? = nil, childStarted: Deadline = .now) {
        self.settings = settings
        self.user = user
        self.childStarted = childStarted
        policy = HealthCheckPolicy(retries: settings.retries, startPeriod: settings.startPeriod)
        nextCheck = .after(settings.interval, from: childStarted)
        runner = HealthCheckRunner.executablePath()
        if runner == nil { notice = HealthMonitor.withoutRunner("/proc/self/exe cannot be read") }
    }

    /// When the loop must call ``advance(_:now:)``: the next check's start, the running check's
    /// timeout, or its teardown's next step; nil while it only waits for a check's exit.
    var nextDeadline: Deadline? {
        guard let running else { return nextCheck }
        guard let teardown = running.teardown else { return running.timeoutAt }
        return teardown.nextDue
    }

    /// Does what is due at `now`: starts a check, or stops one past its timeout (whose outcome it
    /// returns at once: a timed-out check has failed), or takes its teardown's next step. The outcome
    /// of a check that could not start comes back here too.
    mutating func advance(_ events: SupervisorEvents, now: Deadline = .now) -> Outcome? {
        if let check = running {
            let timingOut = check.teardown == nil
            if timingOut && now < check.timeoutAt { return nil }
            var progress = check.teardown ?? TeardownProgress(HealthMonitor.teardown)
            _ = progress.advance(now: now) { signal in try? check.process.send(signal, toGroup: true) }
            running?.teardown = progress
            return timingOut ? .timedOut(after: settings.timeout) : nil
        }
        guard let due = nextCheck, now >= due else { return nil }
        nextCheck = .after(settings.interval, from: now)  // unless one starts
        var report: (readEnd: FileDescriptor, writeEnd: FileDescriptor)?
        if !direct {
            do { report = try FileDescriptor.pipe() } catch {
                return .notRun("cannot create a pipe for the check: " + error.description)
            }
        }
        defer { try? report?.writeEnd.close() }
        do {
            let process = try events.start(command(reportingTo: report?.writeEnd))
            if let report { _ = pk_set_nonblocking(report.readEnd.rawValue, 1) }  // read once the runner has exited
            running = RunningCheck(process: process, report: report?.readEnd, timeoutAt: .after(settings.timeout, from: now))
            nextCheck = nil
            return nil
        } catch {
            try? report?.readEnd.close()
            if !direct && error.step == .exec && HealthMonitor.cannotExecuteItself(error.errno) {
                // Gone since it started, or an emulator that cannot execute it: the checks go on without the runner.
                runner = nil
                notice = HealthMonitor.withoutRunner(error.description)
                nextCheck = now
                return advance(events, now: now)
            }
            return .notRun(describe(error))
        }
    }

    /// A start that failed, naming the runner by its name rather than by rebound's path.
    func describe(_ error: SpawnError) -> String {
        guard let runner else { return error.description }
        // Bytes, not characters: String's own comparisons would bring Unicode's tables into the static binary.
        let text = Array(error.description.utf8), shown = Array("cannot start ".utf8) + runner
        guard text.starts(with: shown) else { return error.description }
        return "cannot start " + HealthCheckRunner.name + String(decoding: text.dropFirst(shown.count), as: UTF8.self)
    }

    /// The log line that says the checks run without the runner, and why.
    static func withoutRunner(_ reason: String) -> String {
        "health checks run without \(HealthCheckRunner.name) (\(reason)): what a check leaves outside its process group can outlive it"
    }

    /// The command of one check: the runner, its standard output the report pipe; when ``direct``, the shell.
    private func command(reportingTo report: FileDescriptor?) -> Command {
        var command: Command
        if let report, let runner {
            command = Command(bytes: runner, arguments: [settings.command])
            command.argumentZero = HealthCheckRunner.name
            command.standardOutput = .fileDescriptor(report)
            command.parentDeathSignal = .terminate  // rebound gone: the runner stops its check
        } else {
            command = Command(bytes: Array("/bin/sh".utf8), arguments: [Array("-c".utf8), settings.command])
            command.standardOutput = .null  // a passing check's chatter stays out of the log; stderr shows why one failed
        }
        command.processGroup = .new
        command.standardInput = .null
        user?.apply(to: &command)  // the runner too: it only signals what its check started
        return command
    }

    /// Exec errors that mean rebound cannot start itself again at all, as opposed to a machine short
    /// of memory: not there, not executable, not a format this kernel runs.
    static func cannotExecuteItself(_ error: Errno) -> Bool {
        [ENOENT, ENOTDIR, EACCES, ENOEXEC, EPERM].contains(error.rawValue)
    }

    /// Why the checks run without the runner, once.
    mutating func takeNotice() -> String? {
        defer { notice = nil }
        return notice
    }

    /// Takes note of a child of rebound's that ended: if it was the running check, the check is over
    /// (its group is SIGKILLed so nothing it started stays) and its outcome is returned, unless its
    /// timeout already decided it. Any other process: nil.
    mutating func ended(pid: Int32, status: WaitStatus, now: Deadline = .now) -> Outcome? {
        guard let check = running, check.process.pid == pid else { return nil }
        // The group outlives its leader while members remain, and its id cannot be reused until they are gone.
        try? Signal.kill.send(to: -pid)
        running = nil
        nextCheck = .after(settings.interval, from: now)
        var report: [UInt8] = []
        if let readEnd = check.report {
            report = (try? readEnd.read(upToCount: 512)) ?? []
            try? readEnd.close()
        }
        if check.teardown != nil { return nil }
        if let outcome = HealthCheckRunner.outcome(of: report) { return outcome }
        switch status {
        case .exited(let code): return code == 0 ? .passed : .exited(code: code)
        case .signaled(let signal, _), .stopped(let signal): return .killed(signal)
        case .continued: return nil
        }
    }

    /// Counts an outcome with the policy (``HealthCheckPolicy/record(passed:sinceStart:)``);
    /// nil for a check that did not run, which the policy never sees.
    mutating func record(_ outcome: Outcome, now: Deadline = .now) -> HealthCheckPolicy.Verdict? {
        if case .notRun = outcome {
            notRunInARow += 1
            return nil
        }
        notRunInARow = 0
        return policy.record(passed: outcome == .passed, sinceStart: .nanoseconds(now.nanoseconds &- childStarted.nanoseconds))
    }

    /// Ends a check still running (the run of the child it checked is over): SIGTERM to the runner,
    /// which stops what is below it within ``HealthCheckRunner/stopGrace`` and a second; SIGKILL to
    /// the group of a shell run directly. Its end comes later as an event nobody waits for.
    func stop() {
        guard let running else { return }
        try? running.process.send(direct ? .kill : .terminate, toGroup: true)
        try? running.report?.close()
    }

    /// A time in seconds as the log shows it, to the millisecond rounded half up: "2", "0.5", "1.25".
    static func format(_ duration: Duration) -> String {
        ASCII.decimalText((duration.clampedNanoseconds + 500_000) / 1_000_000, decimals: 3, trimmed: true)
    }
}
