import Testing
import ProcessKit

@Suite struct DeadlineTests {
    @Test func afterADurationFromAStartAddsItAndHoldsItToABillionSeconds() {
        let start = Deadline(nanoseconds: 1_000_000_000)
        #expect(Deadline.after(.milliseconds(2500), from: start) == Deadline(nanoseconds: 3_500_000_000))
        #expect(Deadline.after(.nanoseconds(1), from: start) == Deadline(nanoseconds: 1_000_000_001))
        #expect(Deadline.after(.seconds(-5), from: start) == start)
        #expect(Deadline.after(.nanoseconds(-1), from: start) == start)
        #expect(Deadline.after(.seconds(1_000_000_000_000), from: start) == Deadline.after(.seconds(1_000_000_000), from: start))
        #expect(Deadline.after(.seconds(1), from: Deadline(nanoseconds: .max - 10)) == Deadline(nanoseconds: .max))
    }

    /// What is below a nanosecond is dropped, not rounded into the next one.
    @Test func aFractionOfANanosecondIsDropped() {
        let start = Deadline(nanoseconds: 0)
        #expect(
            Deadline.after(Duration(secondsComponent: 0, attosecondsComponent: 3_999_999_999), from: start)
                == Deadline(nanoseconds: 3))
    }

    @Test func remainingAndElapsedCountFromNow() {
        let ahead = Deadline.after(.seconds(60))
        #expect(ahead.remaining > .seconds(30) && ahead.remaining <= .seconds(60))
        let behind = Deadline(nanoseconds: Deadline.now.nanoseconds - 5_000_000_000)
        #expect(behind.remaining < .zero)
        #expect(behind.elapsed >= .seconds(5) && behind.elapsed < .seconds(60))
    }
}
