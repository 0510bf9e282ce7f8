import ProcessKit

/// `timeout`'s command line, scanned as GNU getopt_long scans `+k:s:v` with the long options
/// `--kill-after`, `--signal`, `--verbose`, `--foreground`, `--preserve-status`, `--help` and
/// `--version`: short options cluster (`-vk5`), a long option may be abbreviated to any unambiguous
/// prefix (`--pres`), and scanning stops at `--` or at the first operand. Errors carry GNU's wording.
struct TimeoutOptions {
    var duration = TimeoutDuration(parsing: "0")!
    var killAfter = TimeoutDuration(parsing: "0")!
    /// The signal sent on timeout; nil for signal 0 (`-s 0` or `-s EXIT`), which sends nothing.
    var signal: Signal? = .terminate
    var verbose = false
    var foreground = false
    var preserveStatus = false
    /// COMMAND and its arguments, as bytes, exactly as given.
    var command: [[UInt8]] = []

    /// What the command line asks for besides a run.
    enum Request {
        case run(TimeoutOptions)
        case help
        case version
    }

    /// A command-line mistake: the line to print before "Try '... --help'", if any.
    struct UsageError: Error {
        let message: String?
    }

    private enum Long: CaseIterable {
        case killAfter, signal, verbose, foreground, preserveStatus, help, version

        var name: String {
            switch self {
            case .killAfter: "kill-after"
            case .signal: "signal"
            case .verbose: "verbose"
            case .foreground: "foreground"
            case .preserveStatus: "preserve-status"
            case .help: "help"
            case .version: "version"
            }
        }

        var takesValue: Bool { self == .killAfter || self == .signal }
    }

    /// Scans `arguments` (argv without argv[0]).
    static func parse(_ arguments: [[UInt8]]) throws(UsageError) -> Request {
        var options = TimeoutOptions()
        var index = 0
        func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
        while index < arguments.count {
            let argument = arguments[index]
            if argument == Array("--".utf8) {
                index += 1
                break
            }
            if argument.count > 2, argument[0] == UInt8(ascii: "-"), argument[1] == UInt8(ascii: "-") {
                let body = Array(argument[2...])
                let equals = body.firstIndex(of: UInt8(ascii: "="))
                let typed = text(Array(body[..<(equals ?? body.count)]))
                let candidates = Long.allCases.filter { $0.name.utf8.starts(with: typed.utf8) }
                let option: Long
                if let exact = candidates.first(where: { $0.name == typed }) {
                    option = exact
                } else if candidates.count == 1 {
                    option = candidates[0]
                } else if candidates.isEmpty {
                    throw UsageError(message: "unrecognized option '\(text(argument))'")
                } else {
                    let possibilities = candidates.map { " '--\($0.name)'" }.joined()
                    throw UsageError(message: "option '\(text(argument))' is ambiguous; possibilities:\(possibilities)")
                }
                var value: String?
                if let equals {
                    guard option.takesValue else {
                        throw UsageError(message: "option '--\(option.name)' doesn't allow an argument")
                    }
                    value = text(Array(body[(equals + 1)...]))
                } else if option.takesValue {
                    index += 1
                    guard index < arguments.count else {
                        throw UsageError(message: "option '--\(option.name)' requires an argument")
                    }
                    value = text(arguments[index])
                }
                switch option {
                case .killAfter: options.killAfter = try duration(value!)
                case .signal: options.signal = try signal(value!)
                case .verbose: options.verbose = true
                case .foreground: options.foreground = true
                case .preserveStatus: options.preserveStatus = true
                case .help: return .help
                case .version: return .version
                }
                index += 1
                continue
            }
            guard argument.count > 1, argument[0] == UInt8(ascii: "-") else { break }
            var position = 1
            while position < argument.count {
                let letter = argument[position]
                position += 1
                switch letter {
                case UInt8(ascii: "v"):
                    options.verbose = true
                case UInt8(ascii: "k"), UInt8(ascii: "s"):
                    let value: String
                    if position < argument.count {
                        value = text(Array(argument[position...]))
                    } else {
                        index += 1
                        guard index < arguments.count else {
                            throw UsageError(message: "option requires an argument -- '\(text([letter]))'")
                        }
                        value = text(arguments[index])
                    }
                    position = argument.count
                    if letter == UInt8(ascii: "k") {
                        options.killAfter = try duration(value)
                    } else {
                        options.signal = try signal(value)
                    }
                default:
                    throw UsageError(message: "invalid option -- '\(text([letter]))'")
                }
            }
            index += 1
        }
        guard arguments.count - index >= 2 else { throw UsageError(message: nil) }
        options.duration = try duration(text(arguments[index]))
        options.command = Array(arguments[(index + 1)...])
        return .run(options)
    }

    static func duration(_ text: String) throws(UsageError) -> TimeoutDuration {
        guard let duration = TimeoutDuration(parsing: text) else { throw UsageError(message: "invalid time interval '\(text)'") }
        return duration
    }

    /// A signal as GNU's `operand2sig` reads it: a name with or without `SIG`, in any case, or a
    /// number 0-64; a number from 128 up is read as a shell's 128+N status. 0 (or `EXIT`) is no signal.
    static func signal(_ text: String) throws(UsageError) -> Signal? {
        let invalid = UsageError(message: "'\(text)': invalid signal")
        if let first = text.utf8.first, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") {
            var number = 0
            for byte in text.utf8 {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { throw invalid }
                number = number * 10 + Int(byte - UInt8(ascii: "0"))
                guard number <= Int(Int32.max) else { throw invalid }
            }
            if number >= 128, number & 0x7f != 0x7f { number &= 0x7f }
            if number == 0 { return nil }
            guard let signal = Signal(rawValue: Int32(number)), isNamed(signal) else { throw invalid }
            return signal
        }
        var upper = Array(text.utf8).map { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") ? $0 - 32 : $0 }
        if upper.starts(with: "SIG".utf8) { upper.removeFirst(3) }
        if upper == Array("EXIT".utf8) { return nil }
        // Only names: "SIG32" is ProcessKit's spelling of a number, which GNU does not accept as a name.
        guard let first = upper.first, first < UInt8(ascii: "0") || first > UInt8(ascii: "9"),
            let signal = try? Signal(parsing: String(decoding: upper, as: UTF8.self)), isNamed(signal)
        else { throw invalid }
        return signal
    }

    /// True for a signal with a name: not one of the numbers the C library keeps for itself.
    static func isNamed(_ signal: Signal) -> Bool {
        signal.rawValue < 32 || signal.isRealtime
    }
}
