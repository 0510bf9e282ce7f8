/// A command line the scanner cannot read.
public enum OptionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An option the program does not have, as written (`-x`, `--nope`).
    case unknown(String)
    /// An option that takes a value came last, with none.
    case missingValue(String)
    /// A flag given a value with `=` (`--quiet=yes`).
    case unexpectedValue(String)

    public var description: String {
        switch self {
        case .unknown(let option): return "unknown option '\(option)'"
        case .missingValue(let option): return "option '\(option)' needs a value"
        case .unexpectedValue(let option): return "option '\(option)' takes no value"
        }
    }
}
