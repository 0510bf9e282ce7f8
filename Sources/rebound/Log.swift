import ToolSupport

/// rebound's log lines on stderr, `rebound: ` first, in the C rebound's wording so existing log
/// alerts keep matching; or, with --log-format json, one JSON object per line. `quiet` (-q) silences
/// them; fatal errors are printed regardless. Writing a line never waits: a line standard error
/// cannot take at once is dropped and counted. Each call names its event, its message and its fields.
struct Log {
    let output: ToolLog

    init(quiet: Bool, format: LogFormat) {
        output = ToolLog(tool: "rebound", format: format, verbosity: quiet ? 0 : LogLevel.info.rawValue, textPrefix: .toolName)
    }

    /// A routine line: starts, exits, restarts, forwarded signals.
    func info(_ event: ReboundLogEvent, _ message: @autoclosure () -> String, _ fields: @autoclosure () -> [LogField] = []) {
        output.write(.info, event.rawValue, message(), fields())
    }

    /// A line about something that failed or deserves a look; rebound goes on. Shown like ``info(_:_:_:)``.
    func warning(_ event: ReboundLogEvent, _ message: @autoclosure () -> String, _ fields: @autoclosure () -> [LogField] = []) {
        output.write(.warning, event.rawValue, message(), fields())
    }

    /// A line that explains why rebound could not go on.
    func fatal(_ event: ReboundLogEvent, _ message: String, _ fields: @autoclosure () -> [LogField] = []) {
        output.write(.fatal, event.rawValue, message, fields())
    }
}
