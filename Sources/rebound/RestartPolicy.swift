import ProcessKit

/// The restart rules, kept apart from processes and signals so they can be tested alone: given how
/// the child ended and how long it ran, stop (and with which code) or restart (and after how long).
struct RestartPolicy {
    let options: ReboundOptions
    /// Restarts done so far; what -r limits and the K in "restarting (K)".
    private(set) var restarts: Int32 = 0
    /// Rapid failures since the child last stayed up for ``ReboundOptions/stableAfter``.
    private(set) var rapidFailures: Int32 = 0
    /// The throttle delay once -b has tripped.
    private(set) var backoff: ExponentialBackoff

    init(options: ReboundOptions) {
        self.options = options
        backoff = ExponentialBackoff(initial: ReboundOptions.initialBackoff, maximum: options.backoffMax)
    }

    /// Why rebound stops after a child ended on its own.
    enum Stop: Equatable {
        /// Exit code 0 without -0.
        case finished
        /// SIGTERM or SIGINT ended the child.
        case terminated(Signal)
        /// -r restarts were used up.
        case maxRestartsReached
    }

    enum Decision: Equatable {
        /// Exit with the child's shell exit code.
        case stop(Stop, exitCode: Int32)
        /// Start the child again after `delay`; `throttled` when -b tripped and the delay
        /// comes from the backoff; `count` is the restart's number.
        case restart(count: Int32, delay: Duration, throttled: Bool)
    }

    /// Decides what follows a child that ended with `status` after `ranFor` up, and counts it. A
    /// child rebound stopped because it was `unhealthy` is restarted whatever its status (its exit
    /// 0 or death by SIGTERM came from that stop), within -r and the backoff like any failure.
    mutating func decide(after status: WaitStatus, ranFor: Duration, unhealthy: Bool = false) -> Decision {
        let code = status.shellExitCode
        if !unhealthy {
            if status == .exited(code: 0) && !options.restartOnZero { return .stop(.finished, exitCode: 0) }
            if case .signaled(let signal, _) = status, RestartPolicy.isStopSignal(signal) {
                return .stop(.terminated(signal), exitCode: code)
            }
        }
        if options.maxRestarts > 0 && restarts >= options.maxRestarts { return .stop(.maxRestartsReached, exitCode: code) }
        restarts += 1
        if ranFor >= options.stableAfter {
            rapidFailures = 0
            backoff.reset()
        }
        if ranFor < ReboundOptions.rapidFailure { rapidFailures += 1 }
        guard options.burst > 0, rapidFailures >= options.burst else {
            return .restart(count: restarts, delay: options.restartDelay, throttled: false)
        }
        return .restart(count: restarts, delay: max(options.restartDelay, backoff.take()), throttled: true)
    }

    /// SIGTERM and SIGINT: forwarded like the rest, but they end rebound instead of a restart.
    static func isStopSignal(_ signal: Signal) -> Bool { signal == .terminate || signal == .interrupt }

    /// What a restart delay does about `event`: nil waits on (a signal with no child to go to, a
    /// health check's shell ending), `.stop` ends rebound, `.restart` when the delay is over.
    enum DelayOutcome: Equatable {
        case restart
        /// A stop signal came: exit 128+N.
        case stop(Signal)
        case fail(Errno)
    }

    static func duringDelay(_ event: SupervisorEvent) -> DelayOutcome? {
        switch event {
        case .deadline, .noChildrenLeft: return .restart
        case .signal(let received): return isStopSignal(received.signal) ? .stop(received.signal) : nil
        case .waitFailed(let error): return .fail(error)
        case .childEnded: return nil
        }
    }
}
