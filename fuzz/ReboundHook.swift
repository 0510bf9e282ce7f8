// Compiled into the FuzzRebound module together with rebound's sources (all but its @main file).
public enum ReboundHook {
    /// Parses like rebound does; returns nil when accepted, the error message when rejected. The command
    /// of an accepted line must be the arguments' tail, byte for byte.
    public static func parse(_ arguments: [[UInt8]]) -> String? {
        do {
            if case .run(let options) = try ReboundOptions.parse(arguments),
                Array(arguments.suffix(options.command.count)) != options.command
            {
                fatalError("rebound's command \(options.command) is not the tail of \(arguments)")
            }
            return nil
        } catch {
            return error.message
        }
    }
}
