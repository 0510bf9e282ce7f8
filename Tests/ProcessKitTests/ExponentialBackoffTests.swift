import Testing
import ProcessKit

@Suite struct ExponentialBackoffTests {
    @Test func doublesUpToTheCapAndResets() {
        var backoff = ExponentialBackoff(initial: .seconds(1), maximum: .seconds(30))
        #expect((0..<7).map { _ in backoff.take() } == [1, 2, 4, 8, 16, 30, 30].map { Duration.seconds($0) })
        backoff.reset()
        #expect(backoff.take() == .seconds(1))
        var capped = ExponentialBackoff(initial: .seconds(1), maximum: .milliseconds(200))
        #expect(capped.take() == .milliseconds(200) && capped.take() == .milliseconds(200))
    }

    /// Doubling stops at the cap, so even the largest cap never overflows.
    @Test func theLargestCapDoesNotOverflow() {
        var backoff = ExponentialBackoff(initial: .seconds(1), maximum: .seconds(Int64.max))
        for _ in 0..<200 { _ = backoff.take() }
        #expect(backoff.take() == .seconds(Int64.max))
    }
}
