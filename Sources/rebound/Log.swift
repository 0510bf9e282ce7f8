import ProcessKit
import ToolSupport

/// rebound's log lines on stderr, `rebound: ` first, in the C rebound's wording so existing log
/// alerts keep matching. `quiet` (-q) silences them; fatal errors are printed regardless. Writing a
/// line never waits: a line standard error cannot take at once is dropped and counted.
struct Log {
    let quiet: Bool

    /// A routine line: starts, exits, restarts, forwarded signals.
    func info(_ message: @autoclosure () -> String) { if !quiet { Log.write(message()) } }

    /// A line that explains why rebound could not go on.
    func fatal(_ message: String) { Log.write(message) }

    /// Writes one line, or drops it rather than wait for standard error (see ``Output/log(_:notePrefix:)``).
    @inline(never)
    private static func write(_ message: String) {
        Output.log("rebound: " + message, notePrefix: "rebound: ")
    }
}
