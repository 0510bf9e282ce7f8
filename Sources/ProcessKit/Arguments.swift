import CProcessKit

/// This process's command-line arguments, argv[0] first. Works in Embedded Swift too, where
/// `CommandLine` does not exist: the C target captures argv before `main` runs.
public enum Arguments {
    /// argv as strings.
    public static var current: [String] {
        guard let argv = pk_argv() else { return [] }
        return (0..<Int(pk_argc())).map { String(cString: argv[$0]!) }
    }
}
