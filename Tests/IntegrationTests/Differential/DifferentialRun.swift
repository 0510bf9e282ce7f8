import Foundation
import Testing
import TestSupport

/// Runs Differential/differential.py: the real peer and ours from the same generated starting states
/// under the same events, every difference a failure unless its table of intended differences says why.
/// A failure names the case and the one command that runs it again.
enum DifferentialRun {
    static let script = ProbeProgram.repositoryRoot + "/Tests/IntegrationTests/Differential/differential.py"

    /// The fixed seed CI runs, and how many of its cases.
    static let fixedSeed = 19
    /// Cases per pair: the fixed seed's, and a random seed's on top.
    static var fixedCases: Int { reduced ? 100 : 500 }
    static var randomCases: Int { reduced ? 20 : 50 }

    /// Fewer cases where everything runs several times slower: under qemu-user (the arm64 binaries)
    /// and in a sanitizer build.
    static var reduced: Bool { emulated || ProcessInfo.processInfo.environment["PROCESSKIT_SANITIZER"] != nil }

    /// The swinit under test runs under qemu-user, which can make neither a child subreaper nor pass an
    /// exec failure's report to the parent: the cases leave both out.
    static var emulated: Bool { Harness.emulated }

    /// A peer's binary, or nil (then a skip, or under PROCESSKIT_REQUIRE_ALL=1 a failure).
    static func peer(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let path = Harness.executable("/usr/bin/\(name)", "/usr/local/bin/\(name)", "/bin/\(name)")
        try Harness.require(
            path != nil, "needs \(name) (apt-get install \(name)) to compare with", sourceLocation: sourceLocation)
        return path!
    }

    /// Runs `cases` cases of `seed` for `pair` (or only case `only` of it) and fails the test with the
    /// driver's report of every case that differed.
    static func expectSameBehaviour(
        pair: String, peer: String, ours: String, seed: Int, cases: Int = 1, only: Int? = nil,
        emulated: Bool = false, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        try Harness.requirePIDNamespaces(sourceLocation: sourceLocation)
        let python = Harness.python3
        try Harness.require(python != nil, "needs python3", sourceLocation: sourceLocation)
        var arguments = [script, pair, "--peer", peer, "--ours", ours, "--seed", "\(seed)"]
        arguments += only.map { ["--case", "\($0)"] } ?? ["--cases", "\(cases)"]
        if emulated { arguments.append("--emulated") }
        // A bound against a hang only: each case's own waits are bounded inside the driver.
        let result = try Harness.run(python!, arguments, timeout: 1200, sourceLocation: sourceLocation)
        let summary = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
        print("differential: \(summary)")
        if result.status != 0 {
            // Each line of the driver's report on a line of its own, so a log filter on the prefix
            // (.ci/run's summary of a failed run) shows which case differed and how to run it again.
            for line in result.stdout.split(separator: "\n") { print("differential: \(line)") }
        }
        #expect(
            result.status == 0,
            """
            \(pair) differs from \(peer) (seed \(seed), \(cases) cases):
            \(String(result.stdout.suffix(60_000)))\(result.stderr)
            """, sourceLocation: sourceLocation)
    }
}
