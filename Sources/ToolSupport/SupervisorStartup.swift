import ProcessKit

/// What swinit and rebound do before their first child, in the same order and with the same fatal
/// lines: become a child subreaper as the tool wants it, then take every signal through
/// ``SupervisorEvents``; and, as they exit, the --grace drain told as text.
public enum SupervisorStartup {
    /// How a tool becomes a child subreaper.
    public enum Subreaper: Equatable, Sendable {
        /// It must be one (swinit -s): a refusal is fatal.
        case required
        /// When it is not PID 1 (rebound): a refusal is only noted, orphans' zombies are then not reaped.
        case whenNotPID1
        /// Left as it is.
        case unchanged
    }

    /// Registers as a child subreaper as `subreaper` says and sets up the signal handling. Returns the
    /// events, or nil once `log` has the fatal line that says why the tool cannot go on; a refusal
    /// that is not fatal is a warning.
    public static func events(subreaper: Subreaper, log: ToolLog) -> SupervisorEvents? {
        if subreaper == .required || (subreaper == .whenNotPID1 && ProcessControl.pid != 1 && !ProcessControl.isChildSubreaper) {
            do { try ProcessControl.setChildSubreaper() } catch {
                let event = SharedLogEvent.subreaperRefused.rawValue
                if subreaper == .required {
                    log.write(
                        .fatal, event, "cannot register as a child subreaper: \(error) (requires Linux >= 3.4)",
                        [.error("\(error)")])
                    return nil
                }
                log.write(
                    .warning, event, "cannot register as a child subreaper (\(error)); orphaned processes will not be reaped",
                    [.error("\(error)")])
            }
        }
        do { return try SupervisorEvents() } catch {
            log.write(
                .fatal, SharedLogEvent.signalSetupFailed.rawValue, "cannot set up signal handling: \(error)", [.error("\(error)")]
            )
            return nil
        }
    }

    /// Runs `drain` on `events` and logs each of its events with `prefix` before its words: its
    /// progress as info, each sweep and ignored signal as debug, problems as warnings.
    public static func drain(
        _ drain: GracefulDrain, _ events: SupervisorEvents, orphan: ((ReapedChild) -> Void)? = nil,
        log: ToolLog, prefix: String
    ) {
        drain.run(events, orphan: orphan) { event in
            let (text, importance) = drain.describe(event)
            let level: LogLevel = importance == .progress ? .info : importance == .detail ? .debug : .warning
            guard log.shows(level) else { return }
            let (name, fields) = SharedLogEvent.drain(event, of: drain)
            log.write(level, name.rawValue, prefix + text, fields)
        }
    }
}
