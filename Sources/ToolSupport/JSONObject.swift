/// One JSON object on one line, written field by field in the order they are added: rebound's status
/// file and the tools' JSON log lines. Strings are escaped (quotes, backslashes, and every control
/// character as `\u00XX`); nil is `null`. A Swift string is valid UTF-8 (bytes that were not read as
/// U+FFFD when it was made), so every object this writes is JSON a parser accepts.
public struct JSONObject: Sendable {
    private var body = ""

    /// An object with no fields yet.
    public init() {}

    /// Adds `name` with a string value, or null.
    public mutating func add(_ name: String, _ value: String?) { add(name, json: value.map(JSONObject.quoted) ?? "null") }

    /// Adds `name` with an integer value, or null.
    public mutating func add(_ name: String, _ value: Int64?) { add(name, json: value.map { String($0) } ?? "null") }

    /// Adds `name` with a 32-bit integer value (a pid, an exit status, a count), or null.
    public mutating func add(_ name: String, _ value: Int32?) { add(name, value.map { Int64($0) }) }

    /// Adds `name` with `true` or `false`.
    public mutating func add(_ name: String, _ value: Bool) { add(name, json: value ? "true" : "false") }

    /// Adds `name` with a value that is JSON already (a number formatted by the caller, a nested object).
    public mutating func add(_ name: String, json value: String) {
        body += (body.isEmpty ? "" : ",") + JSONObject.quoted(name) + ":" + value
    }

    /// The object: `{"name":value,...}`, without a newline.
    public var text: String { "{" + body + "}" }

    /// `text` as a JSON string: quotes and backslashes escaped, control characters as \u00XX.
    public static func quoted(_ text: String) -> String {
        let hex = Array("0123456789abcdef".utf8)
        var bytes = [UInt8(ascii: "\"")]
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                bytes.append(UInt8(ascii: "\\"))
            } else if byte < 0x20 || byte == 0x7f {
                // Every control character as \u00XX (valid JSON; one rule keeps the static binaries small).
                bytes.append(contentsOf: "\\u00".utf8)
                bytes += [hex[Int(byte >> 4)], hex[Int(byte & 0xf)]]
                continue
            }
            bytes.append(byte)
        }
        bytes.append(UInt8(ascii: "\""))
        return String(decoding: bytes, as: UTF8.self)
    }
}
