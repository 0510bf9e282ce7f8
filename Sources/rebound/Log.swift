import ProcessKit
import ToolSupport

/// rebound's log lines on stderr, `rebound: ` first, in the C rebound's wording so existing log
/// alerts keep matching. `quiet` (-q) silences them; fatal errors are printed regardless. A line is
/// one line whatever a name in it holds (``Output/printable(_:)``).
struct Log {
    let quiet: Bool

    /// A routine line: starts, exits, restarts, forwarded signals.
    func info(_ message: @autoclosure () -> String) { if !quiet { Output.error("rebound: " + Output.printable(message())) } }

    /// A line that explains why rebound could not go on.
    func fatal(_ message: String) { Output.error("rebound: " + Output.printable(message)) }
}
