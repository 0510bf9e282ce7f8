import ProcessKit

/// A tool's log on standard error, in the format the user chose: `text`, the lines tini and the C
/// rebound write, or `json`, one JSON object per line for log pipelines. Every line comes from one
/// call that names its event, gives the message in words and the event's typed fields; the text
/// format writes the prefix and the message, the JSON format writes
///
/// ```json
/// {"level":"info","tool":"swinit","pid":1,"event":"child_spawned","program":"nginx","child_pid":7,"message":"Spawned child process 'nginx' with pid '7'"}
/// ```
///
/// with the message exactly as the text line has it after its prefix. Lines are written with
/// ``Output/log(_:note:)``, so writing one never waits: a line standard error cannot take at once is
/// dropped and counted. A JSON line longer than ``Output/longestLogLine`` has its string values cut
/// (marked " [cut]") so that it stays whole, valid JSON.
public struct ToolLog: Sendable {
    /// How a text line starts.
    public enum TextPrefix: Sendable {
        /// tini's: the level and the pid, "[INFO  swinit (42)] ".
        case levelAndPID
        /// The C rebound's: the tool's name, "rebound: ".
        case toolName
    }

    /// The tool's name, as text lines and the JSON field `tool` give it.
    public let tool: String
    public let format: LogFormat
    /// The least important level written: 0 writes only fatal lines, 1 warnings too, 2 info, 3 debug.
    public let verbosity: Int
    public let textPrefix: TextPrefix
    /// This process's pid, as lines show it.
    public let pid: Int32

    public init(tool: String, format: LogFormat, verbosity: Int, textPrefix: TextPrefix) {
        self.tool = tool
        self.format = format
        self.verbosity = verbosity
        self.textPrefix = textPrefix
        pid = ProcessControl.pid
    }

    /// Whether lines of `level` are written: fatal ones always, the others up to ``verbosity``.
    public func shows(_ level: LogLevel) -> Bool { level == .fatal || level.rawValue <= verbosity }

    /// Writes `event`'s line if ``shows(_:)`` `level`. The message and the fields are built only
    /// then, and the fields only for JSON (reaping thousands of zombies must not format thousands of
    /// lines nobody sees).
    public func write(
        _ level: LogLevel, _ event: String, _ message: @autoclosure () -> String,
        _ fields: @autoclosure () -> [LogField] = []
    ) {
        if shows(level) { emit(level, event, message(), fields()) }
    }

    /// Writes one line, or drops it rather than wait for standard error. Never inlined, and given
    /// values rather than closures: the optimizer would otherwise copy the formatting into every call
    /// site and grow the static binaries.
    @inline(never)
    private func emit(_ level: LogLevel, _ event: String, _ message: String, _ fields: [LogField]) {
        Output.log(line(level, event, message, fields)) { dropped, note in
            line(.warning, SharedLogEvent.logLinesDropped.rawValue, note, [.droppedLines(dropped)])
        }
    }

    /// The line for `event`, without its newline, as ``format`` writes it.
    @inline(never)
    public func line(_ level: LogLevel, _ event: String, _ message: String, _ fields: [LogField]) -> String {
        switch format {
        case .text:
            switch textPrefix {
            case .levelAndPID: return "[" + level.tiniName + " " + tool + " (" + String(pid) + ")] " + message
            case .toolName: return tool + ": " + message
            }
        case .json:
            let message = Output.printable(message)
            // Whole values first; past the longest line, string values held to fewer bytes each (a
            // byte escaped takes at most 6), until it fits.
            var longest = Int.max
            while true {
                var object = JSONObject()
                object.add("level", level.name)
                object.add("tool", tool)
                object.add("pid", pid)
                object.add("event", event)
                for field in fields { field.add(to: &object, longest: longest) }
                object.add("message", LogField.cut(message, to: longest))
                if object.text.utf8.count < Output.longestLogLine || longest <= 64 { return object.text }
                longest = longest > 512 ? 512 : 64
            }
        }
    }
}
