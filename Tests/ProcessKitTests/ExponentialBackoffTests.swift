import Testing
import ProcessKit

@Suite struct ExponentialBackoffTests {
    @Test func doublesUpToTheCapAndResets() {
        var backoff = ExponentialBackoff(initial: 1, maximum: 30)
        #expect((0..<7).map { _ in backoff.take() } == [1, 2, 4, 8, 16, 30, 30])
        backoff.reset()
        #expect(backoff.take() == 1)
        var capped = ExponentialBackoff(initial: 1, maximum: 0.2)
        #expect(capped.take() == 0.2 && capped.take() == 0.2)
    }
}
