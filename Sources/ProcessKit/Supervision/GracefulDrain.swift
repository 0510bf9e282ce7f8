/// What an init does just before it exits, so that the processes still running get a clean stop
/// instead of the kernel's SIGKILL: when PID 1 of a PID namespace exits, the kernel kills everything
/// left in it (a database a control plane started, a worker an entrypoint script started without
/// `exec`). It sends ``signal`` (then SIGCONT, so a stopped process can act on it) to every process
/// left, keeps reaping until they are gone or ``grace`` has passed, then SIGKILLs the rest.
///
/// ```swift
/// let drain = GracefulDrain(grace: .seconds(30), signal: .interrupt)   // PostgreSQL's fast shutdown
/// drain.run(events) { event in log(event) }
/// ```
public struct GracefulDrain: Equatable, Sendable {
    /// How long the processes left get between ``signal`` and SIGKILL.
    public let grace: Duration
    /// The signal sent first: SIGTERM for most programs, SIGINT for PostgreSQL's fast shutdown,
    /// SIGQUIT for nginx's graceful stop.
    public let signal: Signal

    /// The longest grace period an init accepts: a day. More is a typo, not a plan, and no
    /// orchestrator waits that long before its own SIGKILL.
    public static let maximumGrace: Duration = .seconds(86_400)

    /// A drain that sends `signal`, then SIGKILL `grace` later to what is left.
    public init(grace: Duration, signal: Signal = .terminate) {
        self.grace = grace
        self.signal = signal
    }

    /// Who "every process left" is.
    public enum Scope: Sendable, Equatable {
        /// PID 1 of its PID namespace: every process in it (`kill(-1, …)` spares the caller itself).
        case everyProcess
        /// Anywhere else (a subreaper): only the caller's descendants, listed through /proc; never
        /// `kill(-1, …)`, which would reach processes outside the caller's tree.
        case descendants

        /// ``everyProcess`` for PID 1, ``descendants`` otherwise.
        public static var current: Scope { ProcessControl.pid == 1 ? .everyProcess : .descendants }
    }

    /// What happened, for the caller's log; which lines to print, and how, is the caller's business.
    public enum Event: Sendable, Equatable {
        /// Nothing was left to stop: the drain ended at once.
        case nothingLeft
        /// The process table could not be read, so nothing was signalled (see ``ProcessTableError``).
        case cannotList(ProcessTableError)
        /// ``GracefulDrain/signal`` is going to these processes, who get ``GracefulDrain/grace``.
        case stopping([ProcessEntry], with: Signal)
        /// A signal reached these descendants (one sweep of ``Scope/descendants``).
        case signalled([ProcessEntry], with: Signal)
        /// `kill(-1, …)` failed for a reason other than "no process left".
        case cannotSignal(Signal, Errno)
        /// Every process had gone after this long.
        case allGone(after: Duration)
        /// These were still running when the grace period ended: SIGKILL follows.
        case killing([ProcessEntry])
        /// A signal that arrived during the drain and was not acted on (there is no child to forward it to).
        case ignored(Signal)
        /// Waiting for signals failed; the drain goes straight to SIGKILL rather than risk hanging.
        case waitFailed(Errno)
    }

    /// Runs the drain on `events` (an adopted orphan reaped meanwhile goes to `orphan`); `report`
    /// hears what happens. Returns once nothing is left, or after the SIGKILL however the processes
    /// behave (every wait is bounded).
    public func run(
        _ events: SupervisorEvents, scope: Scope = .current, orphan: ((ReapedChild) -> Void)? = nil,
        report: (Event) -> Void
    ) {
        events.reapAll(orphan: orphan)
        let remaining: [ProcessEntry]
        do { remaining = try ProcessTable.descendantsOfThisProcess().filter { !$0.isZombie } } catch {
            report(.cannotList(error))
            return
        }
        guard !remaining.isEmpty else {
            report(.nothingLeft)
            return
        }
        report(.stopping(remaining, with: signal))
        let started = Deadline.now
        send(signal, to: scope, report: report)
        if signal != .continue && signal != .kill {
            send(.continue, to: scope, report: report)  // a stopped process acts on the signal only once it runs again
        }
        if waitUntilGone(events, until: .after(grace), orphan: orphan, report: report) {
            report(.allGone(after: started.elapsed))
            return
        }
        report(.killing((try? ProcessTable.descendantsOfThisProcess().filter { !$0.isZombie }) ?? []))
        send(.kill, to: scope, report: report)
        _ = waitUntilGone(events, until: .after(.seconds(1)), orphan: orphan, report: report)
    }

    /// Sends `signal` to every process in `scope`. For descendants it sweeps again while new ones
    /// turn up (a process may fork between the listing and the signal), at most a few times for SIGKILL.
    func send(_ signal: Signal, to scope: Scope, report: (Event) -> Void) {
        switch scope {
        case .everyProcess:
            do { try signal.send(to: -1) } catch {
                if error != .noSuchProcess { report(.cannotSignal(signal, error)) }
            }
        case .descendants:
            var signalled: Set<Int32> = []
            for _ in 0..<(signal == .kill ? 5 : 1) {
                let pass: [ProcessEntry]
                do { pass = try ProcessTable.signalDescendants(signal) } catch {
                    report(.cannotList(error))
                    return
                }
                let new = pass.filter { !signalled.contains($0.pid) }
                if new.isEmpty { return }
                for process in new { signalled.insert(process.pid) }
                report(.signalled(new, with: signal))
            }
        }
    }

    /// Reaps until the caller has no children left (true) or the deadline passes (false). With no
    /// child left, no descendant is left either: an orphan is re-parented to the caller (PID 1 or a
    /// subreaper).
    func waitUntilGone(
        _ events: SupervisorEvents, until deadline: Deadline, orphan: ((ReapedChild) -> Void)?,
        report: (Event) -> Void
    ) -> Bool {
        while true {
            switch events.next(until: deadline, untilNoChildren: true, orphan: orphan) {
            case .noChildrenLeft: return true
            case .deadline: return false
            case .childEnded: continue
            case .signal(let received): report(.ignored(received.signal))
            case .waitFailed(let error):
                report(.waitFailed(error))
                return false
            }
        }
    }

    /// How much an ``Event`` matters to whoever reads the log.
    public enum Importance: Sendable {
        /// The drain's course: what was left, that it went in time.
        case progress
        /// Each sweep and each ignored signal: for debugging.
        case detail
        /// Something failed or outstayed the grace period.
        case problem
    }

    /// The event as one log line, without a prefix: "sending SIGINT to 2 processes: 15 (postgres),
    /// 16 (psql), allowing 30.0 s"; and how much it matters. Both tools log these same words.
    public func describe(_ event: Event) -> (text: String, importance: Importance) {
        let grace = GracefulDrain.formatSeconds(self.grace)
        switch event {
        case .nothingLeft:
            return ("no processes left", .progress)
        case .cannotList(let error):
            return ("cannot list the processes left: \(error); exiting without a graceful stop", .problem)
        case .stopping(let processes, let signal):
            return ("sending \(signal.name) to \(GracefulDrain.describe(processes)), allowing \(grace) s", .progress)
        case .signalled(let processes, let signal):
            return ("sent \(signal.name) to \(GracefulDrain.describe(processes))", .detail)
        case .cannotSignal(let signal, let error):
            return ("cannot send \(signal.name) to every process: \(error)", .problem)
        case .allGone(let took):
            return ("every process left in time, after \(GracefulDrain.formatSeconds(took)) s", .progress)
        case .killing(let processes):
            return ("still running after \(grace) s, sending SIGKILL: \(GracefulDrain.describe(processes))", .problem)
        case .ignored(let signal):
            return ("ignoring signal '\(signal.name)' while draining", .detail)
        case .waitFailed(let error):
            return ("waiting for signals failed: \(error)", .problem)
        }
    }

    /// "2 processes: 15 (sh), 16 (worker)", the way logs name what was left: the count, and the first
    /// ``listedProcesses`` with "and N more", so that thousands left make one short line.
    public static func describe(_ processes: [ProcessEntry]) -> String {
        let noun = processes.count == 1 ? "process" : "processes"
        var text = "\(processes.count) \(noun): "
        for (index, process) in processes.prefix(listedProcesses).enumerated() {
            text += (index == 0 ? "" : ", ") + process.description
        }
        if processes.count > listedProcesses { text += " and \(processes.count - listedProcesses) more" }
        return text
    }

    /// How many processes ``describe(_:)-type.method`` names before it only counts.
    public static let listedProcesses = 10

    /// `duration` in seconds with one decimal, rounded half up ("2.5"; "0.0" for a negative one),
    /// without Foundation's number formatting.
    public static func formatSeconds(_ duration: Duration) -> String {
        ASCII.decimalText((duration.clampedNanoseconds + 50_000_000) / 100_000_000, decimals: 1)
    }
}
