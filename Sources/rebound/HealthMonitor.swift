import ProcessKit

/// Runs the health checks of one run of the child inside rebound's signal loop, never blocking it: it
/// says when it next needs the loop (``nextDeadline``: a check to start, a timeout, a teardown step),
/// starts checks and times them out in ``advance(_:now:)``, and learns of a check's exit from the
/// loop's events in ``ended(pid:status:now:)``. Meanwhile signals are still forwarded and the child's
/// own exit is still seen.
///
/// Each check runs `/bin/sh -c CMD` in a process group of its own. When its shell has exited, or
/// the timeout has passed (SIGTERM to the group, up to 5 s, SIGKILL), the group is SIGKILLed, so a
/// check leaves nothing behind. The next check starts an interval after the previous one ended.
struct HealthMonitor {
    let settings: HealthCheckSettings
    /// When the child (this run of it) started: the start period counts from here.
    let childStarted: Deadline
    private(set) var policy: HealthCheckPolicy
    /// When the next check starts; nil while one runs.
    private var nextCheck: Deadline?
    private var running: RunningCheck?

    /// A check process, and its teardown once it has passed its timeout.
    private struct RunningCheck {
        let process: ChildProcess
        let timeoutAt: Deadline
        var teardown: TeardownProgress?
    }

    /// How a check ended.
    enum Outcome: Equatable {
        case passed
        case exited(code: Int32)
        case killed(Signal)
        case timedOut(seconds: Double)
        /// `/bin/sh` could not be started; the text says why.
        case couldNotStart(String)

        /// For the log and the status file: "passed", "exit 1", "killed by signal 9", "timed out after 2 s".
        var description: String {
            switch self {
            case .passed: return "passed"
            case .exited(let code): return "exit \(code)"
            case .killed(let signal): return "killed by signal \(signal.rawValue)"
            case .timedOut(let seconds): return "timed out after \(HealthMonitor.format(seconds)) s"
            case .couldNotStart(let reason): return "cannot run /bin/sh: " + reason
            }
        }
    }

    /// A timed-out check's group gets SIGTERM, then this long to end, then SIGKILL.
    static let teardown = Teardown(Teardown.standard.steps, signalsProcessGroup: true)

    init(settings: HealthCheckSettings, childStarted: Deadline = .now) {
        self.settings = settings
        self.childStarted = childStarted
        policy = HealthCheckPolicy(retries: settings.retries, startPeriod: settings.startPeriod)
        nextCheck = .after(seconds: settings.interval, from: childStarted)
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
            return timingOut ? .timedOut(seconds: settings.timeout) : nil
        }
        guard let due = nextCheck, now >= due else { return nil }
        var command = Command(bytes: Array("/bin/sh".utf8), arguments: [Array("-c".utf8), settings.command])
        command.processGroup = .new
        command.standardInput = .null
        command.standardOutput = .null  // a passing check's chatter stays out of the log; stderr shows why one failed
        do {
            running = RunningCheck(process: try events.start(command), timeoutAt: .after(seconds: settings.timeout, from: now))
            nextCheck = nil
            return nil
        } catch {
            nextCheck = .after(seconds: settings.interval, from: now)
            return .couldNotStart(error.errno.description)
        }
    }

    /// Takes note of a child of rebound's that ended: if it was the running check, the check is over
    /// (its group is SIGKILLed so nothing it started stays) and its outcome is returned, unless its
    /// timeout already decided it. Any other process: nil.
    mutating func ended(pid: Int32, status: WaitStatus, now: Deadline = .now) -> Outcome? {
        guard let check = running, check.process.pid == pid else { return nil }
        // The group outlives its leader while members remain, and its id cannot be reused until they are gone.
        try? Signal.kill.send(to: -pid)
        running = nil
        nextCheck = .after(seconds: settings.interval, from: now)
        if check.teardown != nil { return nil }
        switch status {
        case .exited(let code): return code == 0 ? .passed : .exited(code: code)
        case .signaled(let signal, _), .stopped(let signal): return .killed(signal)
        case .continued: return nil
        }
    }

    /// Counts an outcome with the policy (``HealthCheckPolicy/record(passed:secondsSinceStart:)``).
    mutating func record(_ outcome: Outcome, now: Deadline = .now) -> HealthCheckPolicy.Verdict {
        policy.record(passed: outcome == .passed, secondsSinceStart: Double(now.nanoseconds - childStarted.nanoseconds) / 1e9)
    }

    /// Ends a check still running, with its group (the run of the child it checked is over); its
    /// shell's end comes later as an event nobody waits for.
    func stop() {
        guard let running else { return }
        try? running.process.send(.kill, toGroup: true)
    }

    /// Seconds as the log shows them: "2", "0.5", "1.25".
    static func format(_ seconds: Double) -> String { ASCII.decimalText(Int64(seconds * 1000 + 0.5), decimals: 3, trimmed: true) }
}
