/// A command line or setting a tool cannot run with. The message names what was wrong; the tool
/// prints it with its usage and exits 1.
public struct UsageError: Error, Equatable, Sendable {
    public let message: String

    public init(message: String) { self.message = message }
}
