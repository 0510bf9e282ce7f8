import Foundation
import Testing
@testable import ToolSupport

@Suite struct EnvironmentVariablesTests {
    /// One pass keeps exactly the variables with the prefixes, and reads them as getenv does.
    @Test func environmentVariablesPickedOutByPrefix() {
        let kept = EnvironmentVariables(prefixes: "PA", "HO")
        let expected = ProcessInfo.processInfo.environment.filter { $0.key.hasPrefix("PA") || $0.key.hasPrefix("HO") }
        #expect(Set(kept.variables.map(\.name)) == Set(expected.keys))
        for name in expected.keys { #expect(kept.value(of: name) == String(cString: getenv(name)!), "\(name)") }
        #expect(kept.value(of: "PATH") != nil)
        #expect(kept.value(of: "PAT") == nil && kept.value(of: "SHELL") == nil)
    }
}
