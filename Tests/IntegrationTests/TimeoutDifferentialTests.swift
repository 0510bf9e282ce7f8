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
        try DifferentialRun.expectSameBehaviour(
            pair: "timeout", peer: gnu, ours: Self.ours,
            seed: DifferentialRun.fixedSeed, cases: DifferentialRun.fixedCases)
    }

    /// Cases random seeds found differing, run on every pass: SIGALRM pending at the start (the time up
    /// at once) with a command that cannot start under -v, and with one that stops itself until
    /// timeout's own timer fires.
    static let foundCases: [FoundCase] = [FoundCase(seed: 1011, index: 39), FoundCase(seed: 2006, index: 20)]

    struct FoundCase: Sendable, CustomStringConvertible {
        let seed: Int
        let index: Int
        var description: String { "seed \(seed) case \(index)" }
    }

    @Test(arguments: foundCases)
    func behavesAsGNUTimeoutInTheCasesFoundBefore(_ found: FoundCase) throws {
        let gnu = try DifferentialRun.peer("timeout")
        try DifferentialRun.expectSameBehaviour(pair: "timeout", peer: gnu, ours: Self.ours, seed: found.seed, only: found.index)
    }

    /// A new seed each run, printed in the failure with the command that runs the failing case again.
    @Test func behavesAsGNUTimeoutOnARandomSeed() throws {
        let gnu = try DifferentialRun.peer("timeout")
        try DifferentialRun.expectSameBehaviour(
            pair: "timeout", peer: gnu, ours: Self.ours,
            seed: Int.random(in: 1000...999_999_999), cases: DifferentialRun.randomCases)
    }
}
