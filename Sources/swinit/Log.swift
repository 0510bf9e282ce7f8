import ProcessKit

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

    func fatal(_ message: String) { Output.error("[FATAL swinit (\(pid))] " + message) }
    func warning(_ message: @autoclosure () -> String) { if showsWarnings { Output.error("[WARN  swinit (\(pid))] " + message()) } }
    func info(_ message: @autoclosure () -> String) { if verbosity > 1 { Output.error("[INFO  swinit (\(pid))] " + message()) } }
    func debug(_ message: @autoclosure () -> String) { if showsDebug { Output.error("[DEBUG swinit (\(pid))] " + message()) } }
}
