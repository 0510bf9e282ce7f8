/// Why the process table could not be read.
public enum ProcessTableError: Error, Equatable, Sendable, CustomStringConvertible {
    /// /proc could not be listed or read.
    case unreadable(Errno)
    /// /proc belongs to another PID namespace than this process (its /proc/self is not our pid), so
    /// its pids would name the wrong processes.
    case foreignNamespace

    /// One line for a log, naming what went wrong.
    public var description: String {
        switch self {
        case .unreadable(let error): return "cannot read /proc: \(error)"
        case .foreignNamespace: return "/proc belongs to another PID namespace (mount a fresh /proc)"
        }
    }
}
