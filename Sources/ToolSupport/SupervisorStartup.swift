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
    /// events, or nil once `fatal` has been given the line that says why the tool cannot go on;
    /// `note` gets a refusal that is not fatal.
    public static func events(subreaper: Subreaper, fatal: (String) -> Void, note: (String) -> Void) -> SupervisorEvents? {
        if subreaper == .required || (subreaper == .whenNotPID1 && ProcessControl.pid != 1 && !ProcessControl.isChildSubreaper) {
            do { try ProcessControl.setChildSubreaper() } catch {
                if subreaper == .required {
                    fatal("cannot register as a child subreaper: \(error) (requires Linux >= 3.4)")
                    return nil
                }
                note("cannot register as a child subreaper (\(error)); orphaned processes will not be reaped")
            }
        }
        do { return try SupervisorEvents() } catch {
            fatal("cannot set up signal handling: \(error)")
            return nil
        }
    }

    /// Runs `drain` on `events`, each event as its text and importance for the tool's log.
    public static func drain(_ drain: GracefulDrain, _ events: SupervisorEvents, orphan: ((ReapedChild) -> Void)? = nil,
                             log: (String, GracefulDrain.Importance) -> Void) {
        drain.run(events, orphan: orphan) { event in
            let (text, importance) = drain.describe(event)
            log(text, importance)
        }
    }
}
