import ProcessKit

/// The log events swinit and rebound share, named as their JSON lines name them: the start-up steps
/// of ``SupervisorStartup``, the --grace drain, and the note that log lines were dropped. Each tool
/// lists its own events beside these.
public enum SharedLogEvent: String, CaseIterable, Sendable {
    /// The tool could not register as a child subreaper (fatal for swinit -s).
    case subreaperRefused = "subreaper_refused"
    /// The signal handling could not be set up: fatal.
    case signalSetupFailed = "signal_setup_failed"
    /// --grace: no process was left to stop.
    case drainNothingLeft = "drain_nothing_left"
    /// --grace: the process table could not be read.
    case drainCannotList = "drain_cannot_list"
    /// --grace: the first signal goes to the processes left.
    case drainStopping = "drain_stopping"
    /// --grace: one sweep signalled these descendants (debug).
    case drainSignalled = "drain_signalled"
    /// --grace: `kill(-1, …)` failed.
    case drainCannotSignal = "drain_cannot_signal"
    /// --grace: every process left in time.
    case drainAllGone = "drain_all_gone"
    /// --grace: processes outstayed the grace period and get SIGKILL.
    case drainKilling = "drain_killing"
    /// --grace: a signal that came during the drain was not acted on (debug).
    case drainSignalIgnored = "drain_signal_ignored"
    /// --grace: waiting for signals failed; SIGKILL follows at once.
    case drainWaitFailed = "drain_wait_failed"
    /// Log lines were dropped because standard error would have blocked (``Output/log(_:note:)``).
    case logLinesDropped = "log_lines_dropped"

    /// The drain's `event` as a log event: its name and its fields.
    public static func drain(_ event: GracefulDrain.Event, of drain: GracefulDrain) -> (SharedLogEvent, [LogField]) {
        let grace = LogField.grace(drain.grace)
        switch event {
        case .nothingLeft: return (.drainNothingLeft, [])
        case .cannotList(let error): return (.drainCannotList, [.error("\(error)")])
        case .stopping(let processes, let signal): return (.drainStopping, [.signal(signal), .processes(processes), grace])
        case .signalled(let processes, let signal): return (.drainSignalled, [.signal(signal), .processes(processes)])
        case .cannotSignal(let signal, let error): return (.drainCannotSignal, [.signal(signal), .error("\(error)")])
        case .allGone(let took): return (.drainAllGone, [.took(took)])
        case .killing(let processes): return (.drainKilling, [.processes(processes), grace])
        case .ignored(let signal): return (.drainSignalIgnored, [.signal(signal)])
        case .waitFailed(let error): return (.drainWaitFailed, [.error("\(error)")])
        }
    }
}
