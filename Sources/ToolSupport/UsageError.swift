import ProcessKit

/// A command line or setting a tool cannot run with. The message names what was wrong; the tool
/// prints it with its usage and exits 1.
public struct UsageError: Error, Equatable, Sendable {
    public let message: String

    public init(message: String) { self.message = message }

    /// What `parse` makes of this process's arguments (without argv[0]); on a usage error, "tool: message"
    /// (one line: see ``Output/printable(_:)``) and the usage on standard error and exit 1.
    public static func parseOrExit<Request>(
        _ tool: String, usage: String,
        _ parse: ([[UInt8]]) throws(UsageError) -> Request
    ) -> Request {
        do { return try parse(Array(Arguments.currentBytes.dropFirst())) } catch {
            Output.error(tool + ": " + Output.printable(error.message))
            Output.error(usage)
            ProcessControl.exit(1)
        }
    }

    /// What `body` returns; on a usage error, "tool: message" on standard error and exit 1, without
    /// the usage (for a setting whose form was right but whose value is not there: a user missing
    /// from /etc/passwd).
    public static func orExit<Value>(_ tool: String, _ body: () throws(UsageError) -> Value) -> Value {
        do { return try body() } catch {
            Output.error(tool + ": " + error.message)
            ProcessControl.exit(1)
        }
    }
}
