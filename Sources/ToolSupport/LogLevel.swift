/// How much a log line matters, most important first: a tool writes the lines up to the level its
/// verbosity allows (see ``ToolLog/shows(_:)``), fatal ones always.
public enum LogLevel: Int, Sendable {
    /// The tool cannot go on.
    case fatal
    /// Something failed or was read leniently; the tool goes on.
    case warning
    /// The ordinary course: a child started or ended, a restart.
    case info
    /// Details for debugging: each signal passed on, each zombie reaped.
    case debug

    /// The level in a JSON line: "fatal", "warning", "info", "debug".
    public var name: String {
        switch self {
        case .fatal: return "fatal"
        case .warning: return "warning"
        case .info: return "info"
        case .debug: return "debug"
        }
    }

    /// The level as tini's lines show it, padded to five characters: "FATAL", "WARN ", "INFO ", "DEBUG".
    public var tiniName: String {
        switch self {
        case .fatal: return "FATAL"
        case .warning: return "WARN "
        case .info: return "INFO "
        case .debug: return "DEBUG"
        }
    }
}
