import ProcessKit

/// The rules while one run of the child lasts, kept apart from processes and clocks so they can be
/// tested alone: which signal makes this run rebound's last, when the child gets SIGKILL, and how
/// its end counts.
struct ChildRunPolicy {
    /// --stop-timeout: time from a stop signal to SIGKILL; zero waits for ever.
    let stopTimeout: Duration
    /// A stop signal (SIGTERM, SIGINT) came: the child's end ends rebound.
    private(set) var stopping = false
    /// The child failed its health checks and rebound is stopping it to start it again.
    private(set) var unhealthy = false
    /// When the child gets SIGKILL unless it has ended by then.
    private(set) var killDue: Deadline?

    enum Action: Equatable {
        /// Forward the signal to the child; `startsStop` when it is the stop signal that makes this
        /// run rebound's last (the health checks end).
        case forward(Signal, startsStop: Bool)
        /// The child ended: the restart rules decide; `unhealthy` when rebound stopped it for failing its checks.
        case childEnded(WaitStatus, unhealthy: Bool)
        /// The child ended after a stop signal: rebound exits with its code.
        case shutDown(WaitStatus)
        /// Another child of rebound's ended: a health check.
        case checkEnded(pid: Int32, status: WaitStatus)
        /// Waiting for signals failed: rebound gives up.
        case fail(Errno)
        /// Nothing to act on but what may be due.
        case nothing
    }

    /// Decides what `event` (at `now`) calls for in the run of the child `child`.
    mutating func decide(_ event: SupervisorEvent, child: Int32, now: Deadline) -> Action {
        switch event {
        case .childEnded(let pid, let status):
            guard pid == child else { return .checkEnded(pid: pid, status: status) }
            return stopping ? .shutDown(status) : .childEnded(status, unhealthy: unhealthy)
        case .signal(let received):
            let startsStop = RestartPolicy.isStopSignal(received.signal) && !stopping
            if startsStop {
                stopping = true
                if stopTimeout > .zero { killDue = wakeUp(or: .after(stopTimeout, from: now)) }
            }
            return .forward(received.signal, startsStop: startsStop)
        case .waitFailed(let error): return .fail(error)
        case .deadline, .noChildrenLeft: return .nothing
        }
    }

    /// True, once, when the SIGKILL is due at `now`.
    mutating func killIsDue(now: Deadline) -> Bool {
        guard let due = killDue, now >= due else { return false }
        killDue = nil
        return true
    }

    /// The child failed its checks and gets the stop signal; SIGKILL follows after --stop-timeout, or
    /// ``HealthCheckSettings/defaultStopSeconds`` when that is 0 (waiting for ever would leave a hung child hung).
    mutating func stopUnhealthy(now: Deadline) {
        unhealthy = true
        killDue = wakeUp(or: .after(stopTimeout > .zero ? stopTimeout : HealthCheckSettings.defaultStop, from: now))
    }

    /// When the loop must wake up with no event: the SIGKILL or `other` (a health check's), the earlier.
    func wakeUp(or other: Deadline?) -> Deadline? {
        guard let killDue, let other else { return killDue ?? other }
        return min(killDue, other)
    }
}
