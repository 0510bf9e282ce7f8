/// ASCII-only text helpers: command-line input is bytes, and these avoid Unicode tables.
enum ASCII {
    /// The text with a-z turned into A-Z.
    static func uppercased(_ text: String) -> String {
        String(decoding: text.utf8.map { $0 >= 97 && $0 <= 122 ? $0 - 32 : $0 }, as: UTF8.self)
    }

    /// A non-negative decimal number of at most 9 digits, nil for anything else.
    static func decimal(_ text: String) -> Int32? {
        guard !text.utf8.isEmpty, text.utf8.count <= 9 else { return nil }
        var value: Int32 = 0
        for byte in text.utf8 {
            guard byte >= 48, byte <= 57 else { return nil }
            value = value * 10 + Int32(byte - 48)
        }
        return value
    }
}
