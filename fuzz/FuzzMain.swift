// libFuzzer entry over swinit's and rebound's option parsing and Signal(parsing:).
// Input: byte 0 picks the target and environment, the rest is NUL-separated arguments.
import FuzzRebound
import FuzzSwinit
import ProcessKit

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let selector = bytes[0]
    // Arguments as bytes, as the tools read argv; text where a string is read (environment, signals).
    var parts = bytes.dropFirst().split(separator: 0, omittingEmptySubsequences: false).map { Array($0) }
    switch selector % 3 {
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
    default:
        for text in parts.map({ String(decoding: $0, as: UTF8.self) }) {
            do {
                let signal = try Signal(parsing: text)
                // Whatever parses is a real signal whose canonical name parses back to it.
                guard (1...64).contains(signal.rawValue), (try? Signal(parsing: signal.name)) == signal,
                      (try? Signal(parsing: String(signal.rawValue))) == signal else {
                    fatalError("Signal(parsing: \(text.debugDescription)) gave \(signal.rawValue), which does not round-trip")
                }
            } catch {
                if error.description.isEmpty { fatalError("empty message for \(text.debugDescription)") }
            }
        }
    }
    return 0
}
