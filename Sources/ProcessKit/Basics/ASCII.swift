import CProcessKit

/// ASCII-only text helpers: command-line input is bytes, and these avoid Unicode tables.
///
/// String's own `==`, `hasPrefix` and `dropFirst` compare and count by canonical equivalence and
/// grapheme clusters, which links Unicode normalization and grapheme tables into a static binary.
/// Names of options, signals and environment variables are compared byte for byte instead, as C's
/// `strcmp` does.
package enum ASCII {
    /// The text with a-z turned into A-Z.
    package static func uppercased(_ text: String) -> String {
        String(decoding: text.utf8.map { $0 >= 97 && $0 <= 122 ? $0 - 32 : $0 }, as: UTF8.self)
    }

    /// Whether the two texts are the same bytes: lengths first (O(1) for native strings), then one
    /// memcmp, where UTF8View.elementsEqual would walk byte by byte through iterators.
    package static func equal(_ text: String, _ other: String) -> Bool {
        guard text.utf8.count == other.utf8.count else { return false }
        var text = text, other = other
        return text.withUTF8 { bytes in
            other.withUTF8 { otherBytes in bytes.isEmpty || memcmp(bytes.baseAddress!, otherBytes.baseAddress!, bytes.count) == 0
            }
        }
    }

    /// The text after `prefix`, or nil when the text does not start with it.
    package static func text(_ text: String, after prefix: String) -> String? {
        guard text.utf8.starts(with: prefix.utf8) else { return nil }
        return String(decoding: text.utf8.dropFirst(prefix.utf8.count), as: UTF8.self)
    }

    /// The decimal digits `bytes` starts with: how many there are, and the number they make (a Double,
    /// so that no count of digits overflows; exact up to 15 digits). The one decimal reader behind
    /// option values, signal numbers and /proc's fields.
    package static func leadingDigits(_ bytes: some Collection<UInt8>) -> (count: Int, value: Double) {
        var count = 0, value = 0.0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { break }
            value = value * 10 + Double(byte - UInt8(ascii: "0"))
            count += 1
        }
        return (count, value)
    }

    /// A non-negative decimal number of 1 to 9 digits and nothing else, nil for anything else.
    package static func decimal(_ bytes: some Collection<UInt8>) -> Int32? {
        let digits = leadingDigits(bytes)
        guard digits.count == bytes.count, (1...9).contains(digits.count) else { return nil }
        return Int32(digits.value)
    }

    /// `value` with its last `decimals` (1 to 3) digits after the point, "2.5" for (25, 1), without
    /// Foundation or floating-point printing; `trimmed` drops trailing zeros and a bare point: "2",
    /// "0.5", "1.25". The one decimal writer behind log lines and rebound's status file.
    package static func decimalText(_ value: Int64, decimals: Int, trimmed: Bool = false) -> String {
        var scale: Int64 = 1
        for _ in 0..<decimals { scale *= 10 }
        var fraction = Int(value % scale), digits = decimals
        if trimmed {
            if fraction == 0 { return String(Int(value / scale)) }
            while fraction % 10 == 0 { fraction /= 10; digits -= 1 }
        }
        var text = String(Int(value / scale)) + "."
        // Leading zeros by hand: String(repeating:count:) costs the static binary more than this loop.
        var place = 1
        for _ in 1..<digits { place *= 10 }
        while place > 1, fraction < place { text += "0"; place /= 10 }
        return text + String(fraction)
    }
}
