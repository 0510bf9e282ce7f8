import Testing
import ProcessKit

@Suite struct DeadlineTests {
    @Test func afterSecondsFromAStartAddsThemAndHoldsThemToABillion() {
        let start = Deadline(nanoseconds: 1_000_000_000)
        #expect(Deadline.after(seconds: 2.5, from: start) == Deadline(nanoseconds: 3_500_000_000))
        #expect(Deadline.after(seconds: -5, from: start) == start)
        #expect(Deadline.after(seconds: 1e12, from: start) == Deadline.after(seconds: 1e9, from: start))
        #expect(Deadline.after(seconds: .nan, from: start) == start)
        #expect(Deadline.after(seconds: 1, from: Deadline(nanoseconds: .max - 10)) == Deadline(nanoseconds: .max))
    }
}
