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

extension OptionValue {
    /// A duration in seconds: a plain number ("30", "0.5"), or Go's duration form that Docker's
    /// `--health-*` options take ("30s", "1m30s", "500ms", "1h"); nil for anything else.
    public static func duration(_ text: String) -> Double? {
        if let plain = seconds(text) { return plain }
        let bytes = Array(text.utf8)
        var total = 0.0, index = 0
        guard !bytes.isEmpty else { return nil }
        while index < bytes.count {
            let numberStart = index
            while index < bytes.count, (bytes[index] >= 48 && bytes[index] <= 57) || bytes[index] == UInt8(ascii: ".") { index += 1 }
            let unitStart = index
            while index < bytes.count, bytes[index] >= UInt8(ascii: "a"), bytes[index] <= UInt8(ascii: "z") { index += 1 }
            guard let value = seconds(String(decoding: bytes[numberStart..<unitStart], as: UTF8.self)) else { return nil }
            // Unit bytes compared as bytes: String equality would pull Unicode tables into Embedded builds.
            switch Array(bytes[unitStart..<index]) {
            case [UInt8(ascii: "m"), UInt8(ascii: "s")]: total += value / 1000
            case [UInt8(ascii: "s")]: total += value
            case [UInt8(ascii: "m")]: total += value * 60
            case [UInt8(ascii: "h")]: total += value * 3600
            default: return nil
            }
        }
        return total
    }
}
