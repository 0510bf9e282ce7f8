/// A text that names no signal.
public struct SignalParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text as the user gave it.
    public let input: String
    /// One line for the user naming the text and what would be accepted.
    public var description: String { "unknown signal '\(input)' (use a name like TERM or SIGUSR1, or a number 1-64)" }
}
