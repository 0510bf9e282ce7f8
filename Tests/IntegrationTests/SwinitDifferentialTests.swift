import Foundation
import Testing
import TestSupport

/// swinit against Debian's tini from generated starting states and events (Differential/differential.py):
/// what the child inherits and receives, the exit and the messages must match, or the driver's table
/// of intended differences must say why not.
@Suite struct SwinitDifferentialTests {
    @Test func behavesAsTiniOnTheFixedSeed() throws {
        let tini = try DifferentialRun.peer("tini")
        try DifferentialRun.expectSameBehaviour(
            pair: "swinit", peer: tini, ours: Harness.swinit,
            seed: DifferentialRun.fixedSeed, cases: DifferentialRun.fixedCases,
            emulated: DifferentialRun.emulated)
    }

    /// A new seed each run, printed in the failure with the command that runs the failing case again.
    @Test func behavesAsTiniOnARandomSeed() throws {
        let tini = try DifferentialRun.peer("tini")
        try DifferentialRun.expectSameBehaviour(
            pair: "swinit", peer: tini, ours: Harness.swinit,
            seed: Int.random(in: 1000...999_999_999), cases: DifferentialRun.randomCases,
            emulated: DifferentialRun.emulated)
    }
}

/// docs/differential-tests.md shows the driver's table of intended differences unchanged.
@Suite struct DifferentialTableTests {
    @Test func theDocsShowTheDriversTable() throws {
        let python = Harness.python3
        try Harness.require(python != nil, "needs python3")
        let table = try Harness.run(python!, [DifferentialRun.script, "--table"])
        #expect(table.status == 0, "\(table)")
        let docs = try String(contentsOfFile: ProbeProgram.repositoryRoot + "/docs/differential-tests.md", encoding: .utf8)
        #expect(
            !table.stdout.isEmpty && docs.contains(table.stdout),
            "docs/differential-tests.md does not show this table:\n\(table.stdout)")
    }
}
