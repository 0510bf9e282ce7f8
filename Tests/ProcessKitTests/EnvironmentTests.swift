import CProcessKit
import Foundation
import Testing
@testable import ProcessKit

/// The child's environment: this process's own, with single variables set or removed, or given
/// outright; entries pass byte for byte, UTF-8 or not.
@Suite struct EnvironmentTests {
    func childEnvironment(_ environment: Environment) throws -> [[UInt8]] {
        var command = Command("/usr/bin/env", arguments: ["-0"])
        command.environment = environment
        let result = try command.run()
        #expect(result.succeeded)
        return result.standardOutput.split(separator: 0, omittingEmptySubsequences: true).map { Array($0) }
    }

    @Test func inheritIsThisProcessesEnvironment() throws {
        let expected = ProcessInfo.processInfo.environment.map { "\($0.key)=\($0.value)" }.sorted()
        let got = try childEnvironment(.inherit).map { String(decoding: $0, as: UTF8.self) }.sorted()
        #expect(got == expected)
        #expect(Environment.current.value(of: "PATH") == ProcessInfo.processInfo.environment["PATH"])
        #expect(Set(Environment.current.entries) == Set(expected))
    }

    @Test func updatingSetsReplacesAndRemoves() throws {
        let path = try #require(ProcessInfo.processInfo.environment["PATH"])
        let environment = Environment.inherit.updating(["PROCESSKIT_ADDED": "a b=c", "PATH": "/bin", "HOME": nil])
        let got = try childEnvironment(environment).map { String(decoding: $0, as: UTF8.self) }
        #expect(got.contains("PROCESSKIT_ADDED=a b=c"))
        #expect(got.filter { $0.hasPrefix("PATH=") } == ["PATH=/bin"], "replaced, once: \(got)")
        #expect(!got.contains { $0.hasPrefix("HOME=") })
        #expect(environment.value(of: "PATH") == "/bin" && path != "/bin")
    }

    /// Entries that are not UTF-8 reach the child exactly.
    @Test func bytesThatAreNotUTF8PassExactly() throws {
        var environment = Environment.empty
        environment.set(Array("LATIN".utf8), to: [0xE9, 0x74, 0xE9])
        environment.set("PLAIN", to: "x")
        #expect(try childEnvironment(environment) == [Array("LATIN=".utf8) + [0xE9, 0x74, 0xE9], Array("PLAIN=x".utf8)])
        #expect(environment.valueBytes(of: Array("LATIN".utf8)) == [0xE9, 0x74, 0xE9])
    }

    /// A name is a whole name: removing or setting PATH leaves PATHEXT and PATH_INFO alone, and
    /// the value of PAT is no one's.
    @Test func aNameNeverMatchesALongerNameItBegins() throws {
        let environment = Environment(entries: ["PATHEXT=.sh", "PATH=/usr/bin", "PATH_INFO=/x"]).updating([
            "PATH": nil, "PATH_INFO": "/y",
        ])
        #expect(environment.entries == ["PATHEXT=.sh", "PATH_INFO=/y"])
        #expect(
            environment.value(of: "PATHEXT") == ".sh" && environment.value(of: "PATH") == nil
                && environment.value(of: "PAT") == nil)
    }

    @Test func givenEntriesAndRemovalOnTop() throws {
        var environment: Environment = ["A=1", "B=2", "A=3"]
        environment.remove("A")
        #expect(try childEnvironment(environment) == [Array("B=2".utf8)])
        #expect(try childEnvironment(.empty).isEmpty)
    }
}
