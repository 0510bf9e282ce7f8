/// A DURATION operand of `timeout`, read as GNU timeout reads it: a non-negative floating point
/// number (decimal with an optional exponent, hexadecimal with `p`, `inf`/`infinity`; leading
/// white space allowed) and an optional unit: `s` seconds (the default), `m` minutes, `h` hours,
/// `d` days. Zero means no timeout.
///
/// Parsed by hand rather than with `Double(_:)`, which needs the hosted runtime's `strtod`: this
/// tool also builds as a static Embedded Swift binary.
struct TimeoutDuration: Equatable {
    /// The length in seconds; may be infinite.
    let seconds: Double

    /// Nil when `text` is not a valid duration.
    init?(parsing text: String) {
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count, [9, 10, 11, 12, 13, 32].contains(bytes[index]) { index += 1 }
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        guard var value = TimeoutDuration.number(bytes, &index) else { return nil }
        if negative { value = -value }
        guard value >= 0 else { return nil }  // also rejects NaN
        let rest = bytes[index...]
        guard rest.count <= 1 else { return nil }
        switch rest.first {
        case nil, UInt8(ascii: "s"): break
        case UInt8(ascii: "m"): value *= 60
        case UInt8(ascii: "h"): value *= 60 * 60
        case UInt8(ascii: "d"): value *= 60 * 60 * 24
        default: return nil
        }
        seconds = value
    }

    /// True when the duration disables its timeout.
    var isNone: Bool { seconds == 0 }

    /// The length as the `Duration` ProcessKit's deadlines take, rounded up to a whole nanosecond
    /// and clamped to what one can hold (as GNU clamps an out-of-range duration; `Duration.seconds`
    /// of an infinite `Double` would trap).
    var length: Duration {
        let nanoseconds = seconds * 1_000_000_000
        return .nanoseconds(nanoseconds >= 9.0e18 ? 9_000_000_000_000_000_000 : Int64(nanoseconds.rounded(.up)))
    }

    /// Reads a number without sign at `index`, moving past it: what C's `strtod` accepts.
    private static func number(_ bytes: [UInt8], _ index: inout Int) -> Double? {
        for word in ["infinity", "inf"] where matches(bytes, index, word) {
            index += word.utf8.count
            return .infinity
        }
        if matches(bytes, index, "nan") { return nil }
        if matches(bytes, index, "0x"), let hexadecimal = significand(bytes, index + 2, radix: 16) {
            index = hexadecimal.end
            return hexadecimal.value
        }
        guard let decimal = significand(bytes, index, radix: 10) else { return nil }
        index = decimal.end
        return decimal.value
    }

    /// Digits in `radix` (10, or 16 after `0x`), an optional fraction and an optional exponent, from
    /// `start`, as `strtod` reads them: `e±N` scales a decimal number by powers of 10, `p±N` a
    /// hexadecimal one by powers of 2 (where each fraction digit is 4 bits). Nil without a digit.
    private static func significand(_ bytes: [UInt8], _ start: Int, radix: Int) -> (value: Double, end: Int)? {
        let (exponentLetter, exponentBase, fractionDigitScale) =
            radix == 16
            ? (UInt8(ascii: "p"), 2.0, -4) : (UInt8(ascii: "e"), 10.0, -1)
        var index = start, mantissa = 0.0, digits = 0, scale = 0
        func readDigits(eachScaling step: Int) {
            while index < bytes.count, let digit = hexadecimalDigit(bytes[index]), digit < radix {
                mantissa = mantissa * Double(radix) + Double(digit)
                digits += 1
                scale += step
                index += 1
            }
        }
        readDigits(eachScaling: 0)
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            readDigits(eachScaling: fractionDigitScale)
        }
        guard digits > 0 else { return nil }
        if index < bytes.count, bytes[index] | 0x20 == exponentLetter, let exponent = exponent(bytes, index + 1) {
            scale += exponent.value
            index = exponent.end
        }
        return (scaled(mantissa, by: exponentBase, scale), index)
    }

    /// An exponent's optional sign and digits from `start`; nil without a digit.
    private static func exponent(_ bytes: [UInt8], _ start: Int) -> (value: Int, end: Int)? {
        var index = start, negative = false, value = 0, digits = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        while index < bytes.count, let digit = decimalDigit(bytes[index]) {
            value = Swift.min(value * 10 + digit, 100_000)
            digits += 1
            index += 1
        }
        return digits > 0 ? (negative ? -value : value, index) : nil
    }

    /// `mantissa` × `base`^`exponent`, saturating to infinity or zero.
    private static func scaled(_ mantissa: Double, by base: Double, _ exponent: Int) -> Double {
        var value = mantissa
        var remaining = exponent
        while remaining > 0, value.isFinite, value != 0 { value *= base; remaining -= 1 }
        while remaining < 0, value != 0 { value /= base; remaining += 1 }
        return value
    }

    private static func matches(_ bytes: [UInt8], _ index: Int, _ word: String) -> Bool {
        let word = Array(word.utf8)
        guard bytes.count - index >= word.count else { return false }
        for offset in 0..<word.count where bytes[index + offset] | 0x20 != word[offset] { return false }
        return true
    }

    private static func decimalDigit(_ byte: UInt8) -> Int? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int(byte - UInt8(ascii: "0")) : nil
    }

    private static func hexadecimalDigit(_ byte: UInt8) -> Int? {
        if let digit = decimalDigit(byte) { return digit }
        let lower = byte | 0x20
        return lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "f") ? Int(lower - UInt8(ascii: "a")) + 10 : nil
    }
}
