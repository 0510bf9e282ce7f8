// libFuzzer entry over swinit's and rebound's option parsing, Signal(parsing:) and the number and
// duration reader both tools share (OptionValue).
// Input: byte 0 picks the target and environment, the rest is NUL-separated arguments.
import FuzzRebound
import FuzzSwinit
import ProcessKit
import ToolSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let selector = bytes[0]
    // Arguments as bytes, as the tools read argv; text where a string is read (environment, signals).
    var parts = bytes.dropFirst().split(separator: 0, omittingEmptySubsequences: false).map { Array($0) }
    switch selector % 4 {
    case 0:
        var environment: [String: String] = [:]
        let names = ["SWINIT_VERBOSITY", "TINI_VERBOSITY", "TINI_SUBREAPER", "SWINIT_KILL_PROCESS_GROUP"]
        for (bit, name) in names.enumerated() where selector & (8 << bit) != 0 && !parts.isEmpty {
            environment[name] = String(decoding: parts.removeFirst(), as: UTF8.self)
        }
        if let message = SwinitHook.parse(parts, environment: environment), message.isEmpty {
            fatalError("swinit rejected \(parts) with an empty message")
        }
    case 1:
        if let message = ReboundHook.parse(parts), message.isEmpty {
            fatalError("rebound rejected \(parts) with an empty message")
        }
    case 3:
        for value in parts { checkTime(value) }
    default:
        for text in parts.map({ String(decoding: $0, as: UTF8.self) }) {
            do {
                let signal = try Signal(parsing: text)
                // Whatever parses is a real signal whose canonical name parses back to it.
                guard (1...64).contains(signal.rawValue), (try? Signal(parsing: signal.name)) == signal,
                    (try? Signal(parsing: String(signal.rawValue))) == signal
                else {
                    fatalError("Signal(parsing: \(text.debugDescription)) gave \(signal.rawValue), which does not round-trip")
                }
            } catch {
                if error.description.isEmpty { fatalError("empty message for \(text.debugDescription)") }
            }
        }
    }
    return 0
}

/// What the number and duration reader makes of `value` must be a time from 0 to the maximum (never
/// NaN, infinite or negative), read the same way again, and, for a plain decimal number, what strtod
/// reads within a nanosecond; a duration of plain seconds is those seconds.
func checkTime(_ value: [UInt8]) {
    let limit = OptionValue.maximumSeconds * 1_000_000_000
    for (name, reading) in [("seconds", OptionValue.seconds(value)), ("duration", OptionValue.duration(value))] {
        guard case .success(let time) = reading else { continue }
        guard (0...limit).contains(time.count) else {
            fatalError("\(name) of \(value) gave \(time.count) ns")
        }
    }
    let seconds = OptionValue.seconds(value), duration = OptionValue.duration(value)
    guard seconds == OptionValue.seconds(value), duration == OptionValue.duration(value) else {
        fatalError("reading \(value) twice gave two answers")
    }
    if case .success(let time) = seconds {
        guard duration == seconds else { fatalError("\(value) is \(time.count) ns as seconds but \(duration) as a duration") }
        // strtod rounds a long fraction to the nearest double; the reader drops what is below a nanosecond.
        let text = String(decoding: value, as: UTF8.self)
        let reference = text.hasSuffix(".") ? Double(text + "0") : text.hasPrefix(".") ? Double("0" + text) : Double(text)
        guard let reference, abs(reference - Double(time.count) / 1e9) <= 1e-9 + reference * 1e-15 else {
            fatalError("\(text) reads as \(time.count) ns, strtod says \(String(describing: reference))")
        }
    }
}
