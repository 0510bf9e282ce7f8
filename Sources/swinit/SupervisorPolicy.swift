import ProcessKit

/// What swinit does about each event of its loop, decided without processes or clocks so that it is
/// tested alone: the main child's end, pause mode's stop, the --stop-sequence steps and --rewrite.
struct SupervisorPolicy {
    let rewrites: SignalRewrites
    /// -P: there is no child; SIGINT and SIGTERM end swinit, other signals are ignored.
    let pause: Bool
    let stopSequence: StopSequence
    /// Index of the next --stop-sequence step.
    private(set) var nextStep = 0
    /// When the next step is due by itself, so the loop must wake up with no signal; nil before the
    /// first SIGTERM and after the last step.
    private(set) var nextDue: Deadline?

    init(options: SwinitOptions) {
        rewrites = options.rewrites
        pause = options.pause
        stopSequence = options.stopSequence
    }

    enum Action: Equatable {
        /// The main child ended (or could not start): log how, drain, exit with its code.
        case childEnded(WaitStatus)
        /// Pause mode was told to stop: exit 0, after the drain.
        case stopPausing(Signal)
        /// Pause mode has no child to pass this signal to.
        case ignore(Signal)
        /// Pass the signal on as it came.
        case pass(Signal)
        /// Send `signal` for `reason`; with `thenContinue`, SIGCONT follows so that a stopped process acts on it.
        case send(Signal, reason: String, thenContinue: Bool)
        /// The "nothing yet" a --stop-sequence with a leading delay begins with.
        case hold(reason: String)
        /// --rewrite FROM:0 drops this signal.
        case drop(Signal)
        /// Waiting for signals failed: exiting would have the kernel kill the child, so log, reap and carry on.
        case carryOn(Errno)
        /// Nothing to do: no step was due.
        case nothing
    }

    /// Decides what `event` calls for at `now`, and moves the stop sequence on when it takes a step.
    mutating func decide(_ event: SupervisorEvent, now: Deadline) -> Action {
        switch event {
        case .childEnded(_, let status): return .childEnded(status)
        case .waitFailed(let error): return .carryOn(error)
        case .deadline, .noChildrenLeft: return takeStep(reason: "stop sequence", now: now)
        case .signal(let received):
            let signal = received.signal
            if pause { return signal == .interrupt || signal == .terminate ? .stopPausing(signal) : .ignore(signal) }
            if signal == .terminate && nextStep < stopSequence.steps.count {
                return takeStep(reason: "SIGTERM started or skipped ahead the stop sequence", now: now)
            }
            guard let rewritten = rewrites.rewritten(signal) else { return .drop(signal) }
            if rewritten == signal { return .pass(signal) }
            return .send(rewritten, reason: "--rewrite of " + signal.name, thenContinue: false)
        }
    }

    /// The stop sequence's next step, taken now (a SIGTERM starts the sequence or skips ahead), and
    /// when the one after it is due. A step that does not stop processes is followed by SIGCONT: an
    /// earlier SIGTSTP stops whatever in the group does not handle it (with -g, the entrypoint shell
    /// around the worker), and a stopped process would act on SIGTERM only once continued.
    private mutating func takeStep(reason: String, now: Deadline) -> Action {
        let steps = stopSequence.steps
        guard nextStep < steps.count else { return .nothing }
        let step = steps[nextStep]
        nextStep += 1
        nextDue = nextStep < steps.count ? .after(steps[nextStep].delay, from: now) : nil
        let reason = reason + ", step \(nextStep) of \(steps.count)"
        guard let signal = step.signal else { return .hold(reason: reason) }
        let stopsOrContinues = [Signal.terminalStop, .stop, .terminalInput, .terminalOutput, .continue].contains(signal)
        return .send(signal, reason: reason, thenContinue: !stopsOrContinues)
    }
}
