// Compiled into the FuzzSwinit module together with swinit's sources (all but its @main file).
public enum SwinitHook {
    /// Parses like swinit does; returns nil when accepted, the error message when rejected.
    public static func parse(_ arguments: [[UInt8]], environment: [String: String]) -> String? {
        do {
            _ = try SwinitOptions.parse(arguments, environment: { environment[$0] })
            return nil
        } catch {
            return error.message
        }
    }
}
