import ProcessKit

/// A length of time read from a command line: a whole number of nanoseconds from 0 to
/// ``OptionValue/maximumSeconds`` seconds, so never NaN, infinite, negative or overflowed.
/// ``duration`` is the same time as the `Duration` ProcessKit takes.
public struct Nanoseconds: Comparable, Sendable {
    public let count: Int64

    public init(_ count: Int64) { self.count = count }

    /// The same time as a `Duration`, without loss.
    public var duration: Duration { .nanoseconds(count) }

    public static func < (lhs: Nanoseconds, rhs: Nanoseconds) -> Bool { lhs.count < rhs.count }
}

/// The one reader of numbers and durations in option values and settings, shared by swinit and
/// rebound. Strict: no sign, no spaces, no exponent, no trailing text. Values are read from their
/// bytes exactly, digit by digit in integers (never through a floating-point sum, which a long
/// fraction would overflow to infinity and then to NaN); what is below a nanosecond is dropped.
public enum OptionValue {
    /// The longest time an option takes: 999,999,999 seconds, about 31 years (nine digits).
    public static let maximumSeconds: Int64 = 999_999_999

    /// Why a value is not a time.
    public enum Problem: Error, Equatable {
        /// It is not written as one ("-1", "1e3", "5d").
        case malformed
        /// It is written as one, but is longer than ``maximumSeconds`` ("9999999999h").
        case tooLong
    }

    /// A whole number in 0...999,999,999 (one to nine digits), or nil.
    public static func wholeNumber(_ bytes: some Collection<UInt8>) -> Int32? { ASCII.decimal(bytes) }

    /// A number of seconds like "2", "0.5", ".25" or "3.", at most nine digits before the point.
    public static func seconds(_ bytes: some Collection<UInt8>) -> Result<Nanoseconds, Problem> {
        let (whole, fraction) = split(Array(bytes))
        guard whole.count <= 9 else { return .failure(.malformed) }
        return amount(whole: whole, fraction: fraction, unit: 1_000_000_000).map { Nanoseconds($0) }
    }

    /// A plain number of seconds (as ``seconds(_:)``), or Go's duration form that Docker's `--health-*`
    /// options take: numbers each followed by a unit, h, m, s or ms ("30s", "1m30s", "1.5h", "500ms").
    public static func duration(_ bytes: some Collection<UInt8>) -> Result<Nanoseconds, Problem> {
        let bytes = Array(bytes)
        if case .success(let plain) = seconds(bytes) { return .success(plain) }
        guard !bytes.isEmpty else { return .failure(.malformed) }
        var total: Int64 = 0, index = 0, tooLong = false
        while index < bytes.count {
            let numberStart = index
            while index < bytes.count, isDigit(bytes[index]) || bytes[index] == UInt8(ascii: ".") { index += 1 }
            let unitStart = index
            while index < bytes.count, bytes[index] >= UInt8(ascii: "a"), bytes[index] <= UInt8(ascii: "z") { index += 1 }
            let unit: Int64
            // Unit bytes compared as bytes: String equality would pull Unicode tables into Embedded builds.
            switch Array(bytes[unitStart..<index]) {
            case [UInt8(ascii: "m"), UInt8(ascii: "s")]: unit = 1_000_000
            case [UInt8(ascii: "s")]: unit = 1_000_000_000
            case [UInt8(ascii: "m")]: unit = 60_000_000_000
            case [UInt8(ascii: "h")]: unit = 3_600_000_000_000
            default: return .failure(.malformed)
            }
            let (whole, fraction) = split(Array(bytes[numberStart..<unitStart]))
            switch amount(whole: whole, fraction: fraction, unit: unit) {
            case .failure(.malformed): return .failure(.malformed)
            case .failure(.tooLong): tooLong = true  // still read the rest: a malformed part is the better message
            case .success(let part):
                let (sum, overflowed) = total.addingReportingOverflow(part)
                if overflowed || sum > maximumSeconds * 1_000_000_000 { tooLong = true } else { total = sum }
            }
        }
        return tooLong ? .failure(.tooLong) : .success(Nanoseconds(total))
    }

    /// The digits before and after the point; nil for the fraction when there is no point. Anything
    /// else (a second point, a sign, a letter) ends up in one of the two, where ``amount`` rejects it.
    static func split(_ bytes: [UInt8]) -> (whole: ArraySlice<UInt8>, fraction: ArraySlice<UInt8>?) {
        guard let point = bytes.firstIndex(of: UInt8(ascii: ".")) else { return (bytes[...], nil) }
        return (bytes[..<point], bytes[(point + 1)...])
    }

    /// `whole.fraction` units in nanoseconds (`unit` is the nanoseconds of one): digits only, at least
    /// one of them, and at most ``maximumSeconds`` in all.
    static func amount(whole: ArraySlice<UInt8>, fraction: ArraySlice<UInt8>?, unit: Int64) -> Result<Int64, Problem> {
        guard whole.count + (fraction?.count ?? 0) > 0, whole.allSatisfy(isDigit),
            fraction?.allSatisfy(isDigit) ?? true
        else { return .failure(.malformed) }
        let limit = maximumSeconds * 1_000_000_000
        var units: Int64 = 0
        for digit in whole {
            units = units * 10 + Int64(digit - UInt8(ascii: "0"))
            if units > limit / unit { return .failure(.tooLong) }  // checked each digit, so nothing overflows
        }
        // The fraction exactly, in integers that cannot overflow, without 128-bit division (which the
        // static binaries cannot link). The unit is a small number times a power of ten (36 * 10^11 ns
        // for an hour): the first digits, one per power, are worth whole nanoseconds; up to 17 more
        // are a fraction of the small number, divided out once. Digits past those are worth less than a
        // millionth of a nanosecond.
        var small = unit, powers = 0
        while small % 10 == 0 {
            small /= 10
            powers += 1
        }
        var total = units * unit, place = unit
        let digits = Array(fraction ?? [])
        for digit in digits.prefix(powers) {
            place /= 10
            total += Int64(digit - UInt8(ascii: "0")) * place
        }
        var rest: Int64 = 0, scale: Int64 = 1
        for digit in digits.dropFirst(powers).prefix(17) {
            rest = rest * 10 + Int64(digit - UInt8(ascii: "0"))
            scale *= 10
        }
        total += rest * small / scale
        return total > limit ? .failure(.tooLong) : .success(total)
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    // MARK: With the tools' messages

    /// `value` as a message shows it: control bytes escaped (see ``Output/printable(_:)``).
    public static func shown(_ value: some Sequence<UInt8>) -> String { Output.printable(value) }

    /// A whole number >= 0 for `option`; the error says what it means ("0 = unlimited").
    public static func count(_ value: [UInt8], for option: String, meaning: String) throws(UsageError) -> Int32 {
        guard let number = wholeNumber(value) else {
            throw UsageError(message: "not a valid number for \(option): '\(shown(value))' (use a whole number >= 0, \(meaning))")
        }
        return number
    }

    /// A number of seconds for `option` (``seconds(_:)``); `hint` says what to write instead.
    public static func seconds(
        _ value: [UInt8], for option: String, hint: String = "use e.g. 2 or 0.5"
    ) throws(UsageError) -> Nanoseconds {
        switch seconds(value) {
        case .success(let time): return time
        case .failure: throw UsageError(message: "not a valid number of seconds for \(option): '\(shown(value))' (\(hint))")
        }
    }

    /// A duration for `option` (``duration(_:)``); with `aboveZero`, 0 is an error too.
    public static func duration(_ value: [UInt8], for option: String, aboveZero: Bool) throws(UsageError) -> Nanoseconds {
        switch duration(value) {
        case .success(let time):
            guard time.count > 0 || !aboveZero else {
                throw UsageError(message: "\(option) must be more than 0: '\(shown(value))'")
            }
            return time
        case .failure(.tooLong):
            throw UsageError(message: "\(option) '\(shown(value))' is too long (use at most \(maximumSeconds) seconds)")
        case .failure(.malformed):
            throw UsageError(
                message:
                    "not a valid duration for \(option): '\(shown(value))' (use seconds, e.g. 30 or 0.5, or 30s, 1m30s, 500ms)")
        }
    }
}
