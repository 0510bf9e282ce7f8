import ProcessKit

/// Number parsing for option values, strict: no sign, no spaces, no trailing text.
public enum OptionValue {
    /// A whole number in 0...999,999,999, or nil.
    public static func wholeNumber(_ text: String) -> Int32? { ASCII.decimal(text.utf8) }

    /// A non-negative number of seconds like "2", "0.5" or ".25", or nil.
    public static func seconds(_ text: String) -> Double? {
        let whole = ASCII.leadingDigits(text.utf8)
        var fraction = text.utf8.dropFirst(whole.count)
        guard whole.count <= 9, fraction.isEmpty || fraction.removeFirst() == UInt8(ascii: ".") else { return nil }
        let digits = ASCII.leadingDigits(fraction)
        guard digits.count == fraction.count, whole.count + digits.count > 0 else { return nil }
        var scale = 1.0
        for _ in 0..<digits.count { scale *= 10 }
        return whole.value + digits.value / scale
    }

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
