import ProcessKit

/// Number parsing for option values, strict: no sign, no spaces, no trailing text.
public enum OptionValue {
    /// A whole number in 0...999,999,999, or nil.
    public static func wholeNumber(_ text: String) -> Int32? { ASCII.decimal(text) }

    /// A non-negative number of seconds like "2", "0.5" or ".25", or nil.
    public static func seconds(_ text: String) -> Double? {
        let parts = text.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count <= 2, !(parts.allSatisfy { $0.isEmpty }) else { return nil }
        let whole = parts[0].isEmpty ? 0 : ASCII.decimal(String(decoding: parts[0], as: UTF8.self))
        guard let whole else { return nil }
        var value = Double(whole)
        if parts.count == 2 {
            var scale = 0.1
            for byte in parts[1] {
                guard byte >= 48, byte <= 57 else { return nil }
                value += Double(byte - 48) * scale
                scale /= 10
            }
        }
        return value
    }
}
