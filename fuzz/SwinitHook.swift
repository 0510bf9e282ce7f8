// Compiled into the FuzzSwinit module together with swinit's sources (all but its @main file).
public enum SwinitHook {
    /// Parses like swinit does; returns nil when accepted, the error message when rejected. The command
    /// of an accepted line must be the arguments' tail, byte for byte.
    public static func parse(_ arguments: [[UInt8]], environment: [String: String]) -> String? {
        do {
            if case .run(let options) = try SwinitOptions.parse(arguments, environment: { environment[$0] }),
                Array(arguments.suffix(options.command.count)) != options.command
            {
                fatalError("swinit's command \(options.command) is not the tail of \(arguments)")
            }
            return nil
        } catch {
            return error.message
        }
    }
}
