// Compiled into the FuzzRebound module together with rebound's sources (all but its @main file).
public enum ReboundHook {
    /// Parses like rebound does; returns nil when accepted, the error message when rejected.
    public static func parse(_ arguments: [[UInt8]]) -> String? {
        do {
            _ = try ReboundOptions.parse(arguments)
            return nil
        } catch {
            return error.message
        }
    }
}
