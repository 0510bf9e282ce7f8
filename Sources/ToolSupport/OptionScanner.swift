import ProcessKit

/// A getopt-style scanner for command lines like `prog [options] [--] PROGRAM [ARGS...]`.
///
/// Short options cluster (`-vvg`, `-e143`, `-e 143`), long options take `--name value` or
/// `--name=value`, and scanning stops at `--` or at the first argument that is not an option, so
/// the program's own options pass through untouched. It reads argv as bytes, so the operands (the
/// program and its arguments) and option values come out exactly as given, whether or not they are
/// UTF-8: a path or a command in an option value reaches the file system or the shell unchanged.
///
/// ```swift
/// var scanner = OptionScanner(Array(Arguments.currentBytes.dropFirst()), flags: ["v"], valued: ["e"])
/// while let option = try scanner.next() { ... }   // ("v", nil), ("e", the bytes of "143")
/// scanner.operands                                 // the bytes of "sh", "-c", "exit 3"
/// ```
public struct OptionScanner: Sendable {
    /// One option as found: its name without dashes ("v", "max-restarts") and its value, if it takes one.
    public struct Option: Equatable, Sendable {
        public let name: Name
        /// The value of an option that takes one, attached (`-e143`, `--grace=5`) or the next argument,
        /// byte for byte.
        public let value: [UInt8]?
    }

    /// An option's name without dashes, written as a string literal (`"v"`, `"max-restarts"`).
    ///
    /// Names compare byte for byte, not by Unicode canonical equivalence like `String`, so scanning
    /// and a `switch` over `option.name` link no Unicode tables (see ``ASCII``).
    public struct Name: Equatable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
        public let text: String

        public init(_ text: String) { self.text = text }

        public init(stringLiteral text: String) { self.text = text }

        public var description: String { text }

        public static func == (name: Name, other: Name) -> Bool { ASCII.equal(name.text, other.text) }
    }

    private let arguments: [[UInt8]]
    private let flags: [Name]
    private let valued: [Name]
    private var index = 0
    private var pendingCluster: [UInt8] = []
    private var finished = false

    /// `flags` and `valued` list the names (one letter, or a long name) that take no value and one value.
    public init(_ arguments: [[UInt8]], flags: [Name], valued: [Name]) {
        self.arguments = arguments
        self.flags = flags
        self.valued = valued
    }

    /// What is left after the options: the program and its arguments.
    public var operands: [[UInt8]] { Array(arguments[index...]) }

    /// The next option, or nil at the end of the options; a thrown error's message names the option.
    public mutating func next() throws(UsageError) -> Option? {
        if !pendingCluster.isEmpty { return try nextInCluster() }
        guard !finished, index < arguments.count else { return nil }
        let bytes = arguments[index]
        guard bytes.count > 1, bytes[0] == UInt8(ascii: "-") else {
            finished = true
            return nil
        }
        index += 1
        if bytes[1] != UInt8(ascii: "-") {
            pendingCluster = Array(bytes[1...])
            return try nextInCluster()
        }
        if bytes.count > 2 { return try longOption(Array(bytes[2...])) }
        finished = true  // "--"
        return nil
    }

    private mutating func longOption(_ body: [UInt8]) throws(UsageError) -> Option {
        let equals = body.firstIndex(of: UInt8(ascii: "="))
        let name = Name(String(decoding: body[..<(equals ?? body.count)], as: UTF8.self))
        let inline = equals.map { Array(body[($0 + 1)...]) }
        if flags.contains(name) {
            if inline != nil { throw UsageError(message: "option '--\(name.text)' takes no value") }
            return Option(name: name, value: nil)
        }
        guard valued.contains(name) else {
            throw UsageError(message: "unknown option '--" + Output.printable(body[..<(equals ?? body.count)]) + "'")
        }
        if let inline { return Option(name: name, value: inline) }
        return Option(name: name, value: try takeValue(for: "--" + name.text))
    }

    private mutating func nextInCluster() throws(UsageError) -> Option {
        let letter = pendingCluster.removeFirst()
        let name = Name(String(decoding: [letter], as: UTF8.self))
        if flags.contains(name) { return Option(name: name, value: nil) }
        guard valued.contains(name) else {
            pendingCluster = []
            throw UsageError(message: "unknown option '-" + Output.printable([letter]) + "'")
        }
        if !pendingCluster.isEmpty {
            let value = pendingCluster
            pendingCluster = []
            return Option(name: name, value: value)
        }
        return Option(name: name, value: try takeValue(for: "-" + name.text))
    }

    private mutating func takeValue(for option: String) throws(UsageError) -> [UInt8] {
        guard index < arguments.count else { throw UsageError(message: "option '\(option)' needs a value") }
        index += 1
        return arguments[index - 1]
    }
}
