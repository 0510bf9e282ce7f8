import Testing
@testable import swinit
import ToolSupport

/// --log-format and SWINIT_LOG_FORMAT, and the names swinit's JSON lines give their events.
@Suite struct SwinitLogTests {
    func parse(_ arguments: [String], _ environment: [String: String] = [:]) throws(UsageError) -> LogFormat? {
        guard case .run(let options) = try SwinitOptions.parse(bytes(arguments), environment: { environment[$0] }) else {
            return nil
        }
        return options.logFormat
    }

    @Test func textUnlessJSONIsAskedFor() throws {
        #expect(try parse(["true"]) == .text)
        #expect(try parse(["--log-format", "json", "true"]) == .json)
        #expect(try parse(["--log-format=text", "true"]) == .text)
        #expect(try parse(["true"], ["SWINIT_LOG_FORMAT": "json"]) == .json)
        // The option wins, and the variable is not read when the option is given (a bad one included).
        #expect(try parse(["--log-format", "text", "true"], ["SWINIT_LOG_FORMAT": "json"]) == .text)
        #expect(try parse(["--log-format", "json", "true"], ["SWINIT_LOG_FORMAT": "yaml"]) == .json)
        // tini has no such variable: TINI_LOG_FORMAT is not read.
        #expect(try parse(["true"], ["TINI_LOG_FORMAT": "json"]) == .text)
    }

    @Test func aBadFormatNamesTheValueAndTheChoices() {
        #expect(throws: UsageError(message: "not a valid log format for --log-format: 'JSON' (use text or json)")) {
            try parse(["--log-format", "JSON", "true"])
        }
        #expect(throws: UsageError(message: "not a valid log format for SWINIT_LOG_FORMAT: 'logfmt' (use text or json)")) {
            try parse(["true"], ["SWINIT_LOG_FORMAT": "logfmt"])
        }
        #expect(throws: UsageError(message: "option '--log-format' needs a value")) { try parse(["--log-format"]) }
    }

    /// Names are snake_case, each used once, none shared with the events both tools log.
    @Test func eventNamesAreStableSnakeCase() {
        let names = SwinitLogEvent.allCases.map(\.rawValue) + SharedLogEvent.allCases.map(\.rawValue)
        #expect(Set(names).count == names.count)
        for name in names { #expect(name.allSatisfy { $0.isLowercase || $0 == "_" }, "\(name)") }
    }
}
