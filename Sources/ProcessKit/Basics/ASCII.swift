import CProcessKit

/// ASCII-only text helpers: command-line input is bytes, and these avoid Unicode tables.
///
/// String's own `==`, `hasPrefix` and `dropFirst` compare and count by canonical equivalence and
/// grapheme clusters, which links Unicode normalization and grapheme tables (~40 KB) into a static
/// binary. Names of options, signals and environment variables are compared byte for byte instead,
/// as C's `strcmp` does.
package enum ASCII {
    /// The text with a-z turned into A-Z.
    package static func uppercased(_ text: String) -> String {
        String(decoding: text.utf8.map { $0 >= 97 && $0 <= 122 ? $0 - 32 : $0 }, as: UTF8.self)
    }

    /// Whether the two texts are the same bytes: lengths first (O(1) for native strings), then one
    /// memcmp. (UTF8View.elementsEqual walks byte by byte through iterators, ~30 instructions a byte.)
    package static func equal(_ text: String, _ other: String) -> Bool {
        guard text.utf8.count == other.utf8.count else { return false }
        var text = text, other = other
        return text.withUTF8 { bytes in
            other.withUTF8 { otherBytes in bytes.isEmpty || memcmp(bytes.baseAddress!, otherBytes.baseAddress!, bytes.count) == 0 }
        }
    }

    /// The text after `prefix`, or nil when the text does not start with it.
    package static func text(_ text: String, after prefix: String) -> String? {
        guard text.utf8.starts(with: prefix.utf8) else { return nil }
        return String(decoding: text.utf8.dropFirst(prefix.utf8.count), as: UTF8.self)
    }

    /// A non-negative decimal number of at most 9 digits, nil for anything else.
    package static func decimal(_ text: String) -> Int32? {
        guard !text.utf8.isEmpty, text.utf8.count <= 9 else { return nil }
        var value: Int32 = 0
        for byte in text.utf8 {
            guard byte >= 48, byte <= 57 else { return nil }
            value = value * 10 + Int32(byte - 48)
        }
        return value
    }
}
