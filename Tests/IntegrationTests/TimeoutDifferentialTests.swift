import Foundation
import Testing
import TestSupport

/// Examples/timeout against GNU coreutils' timeout from generated starting states and events
/// (Differential/differential.py): what the command inherits and receives, the exit and the messages
/// must match, or the driver's table of intended differences must say why not.
@Suite struct TimeoutDifferentialTests {
    static var ours: String { Harness.binary("timeout") }

    @Test func behavesAsGNUTimeoutOnTheFixedSeed() throws {
        let gnu = try DifferentialRun.peer("timeout")
        try DifferentialRun.expectSameBehaviour(pair: "timeout", peer: gnu, ours: Self.ours,
                                                seed: DifferentialRun.fixedSeed, cases: DifferentialRun.fixedCases)
    }

    /// A new seed each run, printed in the failure with the command that runs the failing case again.
    @Test func behavesAsGNUTimeoutOnARandomSeed() throws {
        let gnu = try DifferentialRun.peer("timeout")
        try DifferentialRun.expectSameBehaviour(pair: "timeout", peer: gnu, ours: Self.ours,
                                                seed: Int.random(in: 1000...999_999_999), cases: DifferentialRun.randomCases)
    }
}
