import ProcessKit

/// `--grace`: once the main child has exited, stop what it left behind (a worker started by an
/// entrypoint script that did not `exec`) before swinit exits and the kernel SIGKILLs it: SIGTERM
/// every remaining process, keep reaping until they are gone or the grace period ends, then SIGKILL.
struct GracefulDrain {
    let seconds: Double
    let log: Log

    /// Who "every remaining process" is.
    enum Scope {
        /// swinit is PID 1 of its PID namespace: every process in it (`kill(-1, …)` spares swinit itself).
        case everyProcess
        /// Anywhere else (subreaper mode): only swinit's descendants, listed through /proc; never
        /// `kill(-1, …)`, which would reach processes outside swinit's tree.
        case descendants

        static var current: Scope { ProcessControl.pid == 1 ? .everyProcess : .descendants }
    }

    /// Runs the drain; `reap` collects exited children. Returns once nothing is left or after the
    /// SIGKILL, however the processes behave (the waits are bounded).
    func run(waiter: SignalWaiter, reap: () -> Void) {
        let scope = Scope.current
        reap()
        let remaining: [ProcessEntry]
        do {
            remaining = try ProcessTable.descendantsOfThisProcess().filter { !$0.isZombie }
        } catch {
            log.warning("Grace: cannot list the processes left: \(error); exiting without a graceful stop")
            return
        }
        guard !remaining.isEmpty else {
            log.info("Grace: no processes left")
            return
        }
        log.info("Grace: sending SIGTERM to \(GracefulDrain.describe(remaining)), allowing \(formatSeconds(seconds)) s")
        let started = Deadline.now
        send(.terminate, to: scope)
        send(.continue, to: scope)  // a stopped process acts on SIGTERM only once it runs again
        if waitUntilGone(waiter, until: .after(seconds: seconds), reap: reap) {
            let took = Double(Deadline.now.nanoseconds - started.nanoseconds) / 1_000_000_000
            log.info("Grace: every process left in time, after \(formatSeconds(took)) s")
            return
        }
        let stayed = (try? ProcessTable.descendantsOfThisProcess().filter { !$0.isZombie }) ?? []
        log.warning("Grace: still running after \(formatSeconds(seconds)) s, sending SIGKILL: \(GracefulDrain.describe(stayed))")
        send(.kill, to: scope)
        _ = waitUntilGone(waiter, until: .after(seconds: 1), reap: reap)
    }

    /// Sends `signal` to every process in `scope`. For descendants it sweeps again while new ones
    /// turn up (a process may fork between the listing and the signal), at most a few times.
    func send(_ signal: Signal, to scope: Scope) {
        switch scope {
        case .everyProcess:
            do { try signal.send(to: -1) } catch {
                if error != .noSuchProcess { log.warning("Grace: cannot send \(signal.name) to every process: \(error)") }
            }
        case .descendants:
            var signalled: Set<Int32> = []
            for _ in 0..<(signal == .kill ? 5 : 1) {
                let pass: [ProcessEntry]
                do { pass = try ProcessTable.signalDescendants(signal) } catch {
                    log.warning("Grace: cannot send \(signal.name) to swinit's descendants: \(error)")
                    return
                }
                let new = pass.filter { !signalled.contains($0.pid) }
                if new.isEmpty { return }
                for process in new { signalled.insert(process.pid) }
                log.debug("Grace: sent \(signal.name) to \(GracefulDrain.describe(new))")
            }
        }
    }

    /// Reaps until swinit has no children left (true) or the deadline passes (false). With no child
    /// left, no descendant is left either: an orphan is re-parented to swinit (PID 1 or subreaper).
    func waitUntilGone(_ waiter: SignalWaiter, until deadline: Deadline, reap: () -> Void) -> Bool {
        while true {
            reap()
            if !Reaper.hasChildren() { return true }
            do {
                guard let received = try waiter.wait(until: deadline) else { return false }
                if received.signal != .child { log.debug("Grace: ignoring signal '\(received.signal.name)' while draining") }
            } catch {
                log.warning("Grace: waiting for signals failed: \(error)")
                return false
            }
        }
    }

    /// "2 processes: 15 (sh), 16 (worker)".
    static func describe(_ processes: [ProcessEntry]) -> String {
        let noun = processes.count == 1 ? "process" : "processes"
        return "\(processes.count) \(noun): " + processes.map { $0.description }.joined(separator: ", ")
    }
}

/// Seconds with one decimal, "2.5", without Foundation's number formatting.
func formatSeconds(_ seconds: Double) -> String {
    let tenths = Int(seconds * 10 + 0.5)  // seconds are never negative; no libm rounding needed
    return "\(tenths / 10).\(tenths % 10)"
}
