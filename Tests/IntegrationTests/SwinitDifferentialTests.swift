import Foundation
import Testing
import TestSupport

/// swinit against Debian's tini from generated starting states and events (Differential/differential.py):
/// what the child inherits and receives, the exit and the messages must match, or the driver's table
/// of intended differences must say why not.
@Suite struct SwinitDifferentialTests {
    @Test func behavesAsTiniOnTheFixedSeed() throws {
        let tini = try DifferentialRun.peer("tini")
        try DifferentialRun.expectSameBehaviour(pair: "swinit", peer: tini, ours: Harness.swinit,
                                                seed: DifferentialRun.fixedSeed, cases: DifferentialRun.fixedCases,
                                                emulated: DifferentialRun.emulated)
    }

    /// A new seed each run, printed in the failure with the command that runs the failing case again.
    @Test func behavesAsTiniOnARandomSeed() throws {
        let tini = try DifferentialRun.peer("tini")
        try DifferentialRun.expectSameBehaviour(pair: "swinit", peer: tini, ours: Harness.swinit,
                                                seed: Int.random(in: 1000...999_999_999), cases: DifferentialRun.randomCases,
                                                emulated: DifferentialRun.emulated)
    }
}
