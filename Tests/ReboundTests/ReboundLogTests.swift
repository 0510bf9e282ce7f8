import Testing
@testable import rebound
import ToolSupport

/// --log-format and REBOUND_LOG_FORMAT, and the names rebound's JSON lines give their events.
@Suite struct ReboundLogTests {
    func parse(_ arguments: [String], _ environment: [String: String] = [:]) throws(UsageError) -> LogFormat? {
        guard case .run(let options) = try ReboundOptions.parse(bytes(arguments), environment: { environment[$0] }) else {
            return nil
        }
        return options.logFormat
    }

    @Test func textUnlessJSONIsAskedFor() throws {
        #expect(try parse(["server"]) == .text)
        #expect(try parse(["--log-format", "json", "server"]) == .json)
        #expect(try parse(["--log-format=text", "server"]) == .text)
        #expect(try parse(["server"], ["REBOUND_LOG_FORMAT": "json"]) == .json)
        // The option wins, and the variable is not read when the option is given (a bad one included).
        #expect(try parse(["--log-format", "text", "server"], ["REBOUND_LOG_FORMAT": "json"]) == .text)
        #expect(try parse(["--log-format", "json", "server"], ["REBOUND_LOG_FORMAT": "yaml"]) == .json)
        // After the program, it is the program's option.
        #expect(try parse(["server", "--log-format", "json"]) == .text)
    }

    @Test func aBadFormatNamesTheValueAndTheChoices() {
        #expect(throws: UsageError(message: "not a valid log format for --log-format: 'yaml' (use text or json)")) {
            try parse(["--log-format", "yaml", "server"])
        }
        #expect(throws: UsageError(message: "not a valid log format for REBOUND_LOG_FORMAT: '' (use text or json)")) {
            try parse(["server"], ["REBOUND_LOG_FORMAT": ""])
        }
    }

    /// Names are snake_case, each used once, none shared with the events both tools log.
    @Test func eventNamesAreStableSnakeCase() {
        let names = ReboundLogEvent.allCases.map(\.rawValue) + SharedLogEvent.allCases.map(\.rawValue)
        #expect(Set(names).count == names.count)
        for name in names { #expect(name.allSatisfy { $0.isLowercase || $0 == "_" }, "\(name)") }
    }
}
