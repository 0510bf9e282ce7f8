import ProcessKit
import ToolSupport

/// swinit's messages, in tini's format (`[WARN  swinit (PID)] ...`) but all on stderr, so they
/// never mix into the child's standard output. Messages are autoclosures: a line below the verbosity
/// is never built (reaping 10,000 zombies must not format 10,000 debug lines).
struct Log {
    let verbosity: Int
    let pid = ProcessControl.pid

    /// Whether ``warning(_:)`` prints: at verbosity 1 (the default) and above.
    var showsWarnings: Bool { verbosity > 0 }
    /// Whether ``debug(_:)`` prints: at verbosity 3 (-vv) and above.
    var showsDebug: Bool { verbosity > 2 }

    func fatal(_ message: String) { write("FATAL", message) }
    func warning(_ message: @autoclosure () -> String) { if showsWarnings { write("WARN ", message()) } }
    func info(_ message: @autoclosure () -> String) { if verbosity > 1 { write("INFO ", message()) } }
    func debug(_ message: @autoclosure () -> String) { if showsDebug { write("DEBUG", message()) } }

    /// Writes one line with its `[LEVEL swinit (PID)] ` prefix, or drops it rather than wait for
    /// standard error (see ``Output/log(_:notePrefix:)``). Never inlined: the optimizer copies each level
    /// method into every call site, and building the prefix there too would grow the binary.
    @inline(never)
    private func write(_ level: StaticString, _ message: String) {
        Output.log("[\(level) swinit (\(pid))] " + message, notePrefix: "[WARN  swinit (\(pid))] ")
    }
}
