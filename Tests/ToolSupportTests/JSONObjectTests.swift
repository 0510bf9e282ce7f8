import Foundation
import Testing
import ToolSupport

@Suite struct JSONObjectTests {
    /// Fields stay in the order they were added, nil is null, and a parser reads back every value.
    @Test func fieldsInOrderWithNulls() throws {
        var object = JSONObject()
        object.add("level", "info")
        object.add("pid", Int32(1))
        object.add("child_pid", Int32?.none)
        object.add("time", json: "12.500")
        #expect(object.text == #"{"level":"info","pid":1,"child_pid":null,"time":12.500}"#)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(object.text.utf8)) as? [String: Any])
        #expect(parsed["level"] as? String == "info" && parsed["pid"] as? Int == 1 && parsed["child_pid"] is NSNull)
        #expect(JSONObject().text == "{}")
    }

    /// Quotes, backslashes and control characters are escaped; other text passes through as UTF-8.
    @Test func stringsAreEscaped() throws {
        let awkward = "a\"b\\c\nd\te\u{1}f\u{7f}é😀"
        #expect(JSONObject.quoted(awkward) == #""a\"b\\c\u000ad\u0009e\u0001f\u007fé😀""#)
        var object = JSONObject()
        object.add(awkward, awkward)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(object.text.utf8)) as? [String: Any])
        #expect(parsed[awkward] as? String == awkward)
    }

    @Test func logFormatIsTextOrJSON() throws {
        #expect(try LogFormat(parsing: "text", for: "--log-format") == .text)
        #expect(try LogFormat(parsing: "json", for: "--log-format") == .json)
        for bad in ["JSON", "", "json ", "yaml"] {
            #expect(throws: UsageError(message: "not a valid log format for SWINIT_LOG_FORMAT: '\(bad)' (use text or json)")) {
                try LogFormat(parsing: bad, for: "SWINIT_LOG_FORMAT")
            }
        }
    }
}
