/// How swinit and rebound write their own log lines on standard error: `text`, the lines tini and the
/// C rebound write (the default, so existing alerts keep matching), or `json`, one JSON object per
/// line for log pipelines (Loki, Elasticsearch, Cloud Logging) that parse JSON and not plain text.
public enum LogFormat: Equatable, Sendable {
    case text
    case json

    /// Reads the value of `--log-format` or of the environment variable `source`: "text" or "json".
    public init(parsing value: String, for source: String) throws(UsageError) {
        // Compared as bytes: String equality would pull Unicode tables into Embedded builds.
        switch Array(value.utf8) {
        case Array("text".utf8): self = .text
        case Array("json".utf8): self = .json
        default: throw UsageError(message: "not a valid log format for \(source): '\(value)' (use text or json)")
        }
    }
}
