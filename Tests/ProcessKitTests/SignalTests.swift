import Testing
@testable import ProcessKit

@Suite struct SignalTests {
    @Test func parsesNamesAndNumbers() throws {
        for text in ["SIGTERM", "TERM", "term", "15", "SigTerm"] {
            #expect(try Signal(parsing: text) == .terminate)
        }
    }
}
