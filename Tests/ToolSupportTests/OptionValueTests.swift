import Testing
@testable import ToolSupport

@Suite struct OptionValueTests {
    func seconds(_ text: String) -> Result<Nanoseconds, OptionValue.Problem> { OptionValue.seconds(text.utf8) }
    func duration(_ text: String) -> Result<Nanoseconds, OptionValue.Problem> { OptionValue.duration(text.utf8) }
    /// A fraction of `count` fives after `whole` and a point: "1.555…".
    func longFraction(_ whole: String, _ count: Int) -> String { whole + "." + String(repeating: "5", count: count) }

    @Test func wholeNumbers() {
        #expect(OptionValue.wholeNumber("0".utf8) == 0)
        #expect(OptionValue.wholeNumber("255".utf8) == 255)
        #expect(OptionValue.wholeNumber("999999999".utf8) == 999_999_999)
        for bad in ["", "-1", "+1", "1a", " 1", "1.0", "1000000000"] {
            #expect(OptionValue.wholeNumber(bad.utf8) == nil, "\(bad)")
        }
    }

    @Test func plainSecondsAreExactToTheNanosecond() throws {
        #expect(try seconds("2").get() == Nanoseconds(2_000_000_000))
        #expect(try seconds("0.5").get() == Nanoseconds(500_000_000))
        #expect(try seconds(".25").get() == Nanoseconds(250_000_000))
        #expect(try seconds("3.").get() == Nanoseconds(3_000_000_000))
        #expect(try seconds("0.000000001").get() == Nanoseconds(1))
        #expect(try seconds("999999999").get() == Nanoseconds(999_999_999_000_000_000))
        #expect(seconds("999999999.000000001") == .failure(.tooLong))
        #expect(try seconds("0.1").get().duration == .milliseconds(100))
        for bad in ["", ".", "-1", "1.2.3", "a", "1.x", "1000000000", "1e3", " 1", "1 ", "+1", "0x10"] {
            #expect(seconds(bad) == .failure(.malformed), "\(bad)")
        }
    }

    /// Summed in floating point, 400 digits overflowed to infinity, and infinity over infinity is NaN:
    /// accepted, and a --stop-timeout that never came.
    @Test func aFractionOfHundredsOfDigitsIsReadExactly() throws {
        #expect(try seconds(longFraction("1", 400)).get() == Nanoseconds(1_555_555_555))
        #expect(try seconds(longFraction("", 5000)).get() == Nanoseconds(555_555_555))
        #expect(try duration(longFraction("1", 400) + "s").get() == Nanoseconds(1_555_555_555))
        #expect(try duration(longFraction("2", 400) + "ms").get() == Nanoseconds(2_555_555))
        #expect(try duration(longFraction("1", 400) + "h").get() == Nanoseconds(5_599_999_999_999))
        #expect(try seconds(longFraction("1", 400)).get().duration == .nanoseconds(1_555_555_555))
        #expect(try duration("0.333333333333333333333h").get() == Nanoseconds(1_199_999_999_999))
        #expect(try duration("1.5m").get() == Nanoseconds(90_000_000_000))
    }

    @Test func notANumberAndInfinityAreNotNumbers() {
        for bad in ["nan", "NaN", "inf", "infinity", "-inf", "1e400", "1e-400", "0x1p3", "∞"] {
            #expect(seconds(bad) == .failure(.malformed), "\(bad)")
            #expect(duration(bad) == .failure(.malformed), "\(bad)")
        }
    }

    @Test func durationsThatWouldOverflowAreTooLong() throws {
        #expect(try duration("999999999s").get() == Nanoseconds(999_999_999_000_000_000))
        #expect(try duration("16666666m39s").get() == Nanoseconds(999_999_999_000_000_000))
        for long in [
            "1000000000s", "999999999h", "9223372036854775807s", "99999999999999999999999999ms",
            "999999999s1s", "277778h", "200000000s200000000s200000000s200000000s200000000s",
            "\(String(repeating: "9", count: 400))h",
        ] {
            #expect(duration(long) == .failure(.tooLong), "\(long)")
        }
        // A part that is not a duration at all says so, even after one that is too long.
        #expect(duration("999999999h5x") == .failure(.malformed))
    }

    @Test func messagesNameTheOptionAndShowTheValueOnOneLine() {
        #expect(throws: UsageError(message: "--health-interval '999999999h' is too long (use at most 999999999 seconds)")) {
            try OptionValue.duration(Array("999999999h".utf8), for: "--health-interval", aboveZero: true)
        }
        #expect(throws: UsageError(message: "not a valid number of seconds for -d: '1\\x0a2\\xff' (use e.g. 2 or 0.5)")) {
            try OptionValue.seconds([0x31, 0x0A, 0x32, 0xFF], for: "-d")
        }
        #expect(throws: UsageError(message: "not a valid number for -r: 'nan' (use a whole number >= 0, 0 = unlimited)")) {
            try OptionValue.count(Array("nan".utf8), for: "-r", meaning: "0 = unlimited")
        }
    }

    @Test func printableEscapesControlBytesAndBytesThatAreNotUTF8() {
        #expect(Output.printable("plain text, a \\ and café 😀") == "plain text, a \\ and café 😀")
        #expect(Output.printable("two\nlines\r\t\u{1b}[31m\u{7f}") == "two\\x0alines\\x0d\\x09\\x1b[31m\\x7f")
        #expect(Output.printable([0x61, 0xFF, 0x62, 0xC3, 0xE9, 0x74, 0xE2, 0x82]) == "a\\xffb\\xc3\\xe9t\\xe2\\x82")
    }
}
