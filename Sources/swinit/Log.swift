import ToolSupport

/// swinit's messages, in tini's format (`[WARN  swinit (PID)] ...`) but all on stderr, so they never
/// mix into the child's standard output; or, with --log-format json, one JSON object per line. Each
/// call names its event, its message and its fields; below the verbosity none of them is built
/// (reaping 10,000 zombies must not format 10,000 debug lines).
struct Log {
    let output: ToolLog

    init(verbosity: Int, format: LogFormat) {
        output = ToolLog(tool: "swinit", format: format, verbosity: verbosity, textPrefix: .levelAndPID)
    }

    /// Whether ``warning(_:_:_:)`` prints: at verbosity 1 (the default) and above.
    var showsWarnings: Bool { output.shows(.warning) }
    /// Whether ``debug(_:_:_:)`` prints: at verbosity 3 (-vv) and above.
    var showsDebug: Bool { output.shows(.debug) }

    func fatal(_ event: SwinitLogEvent, _ message: String, _ fields: @autoclosure () -> [LogField] = []) {
        output.write(.fatal, event.rawValue, message, fields())
    }
    func warning(_ event: SwinitLogEvent, _ message: @autoclosure () -> String, _ fields: @autoclosure () -> [LogField] = []) {
        output.write(.warning, event.rawValue, message(), fields())
    }
    func info(_ event: SwinitLogEvent, _ message: @autoclosure () -> String, _ fields: @autoclosure () -> [LogField] = []) {
        output.write(.info, event.rawValue, message(), fields())
    }
    func debug(_ event: SwinitLogEvent, _ message: @autoclosure () -> String, _ fields: @autoclosure () -> [LogField] = []) {
        output.write(.debug, event.rawValue, message(), fields())
    }
}
