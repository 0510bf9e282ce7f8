import CProcessKit

/// How a child process changed state, decoded from the raw status `waitpid` reports.
public enum WaitStatus: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// It called exit with this code (0...255).
    case exited(code: Int32)
    /// A signal ended it; `coreDumped` says whether it left a core file.
    case signaled(Signal, coreDumped: Bool)
    /// A signal stopped it (only reported when asked for with WUNTRACED).
    case stopped(Signal)
    /// SIGCONT resumed it (only reported when asked for with WCONTINUED).
    case continued

    /// Decodes a status as `waitpid` reports it (the `WIFEXITED`, `WIFSIGNALED`, `WIFSTOPPED` macros).
    public init(rawValue status: Int32) {
        if pk_wifexited(status) != 0 {
            self = .exited(code: pk_wexitstatus(status))
        } else if pk_wifsignaled(status) != 0 {
            self = .signaled(Signal(pk_wtermsig(status)), coreDumped: pk_wcoredump(status) != 0)
        } else if pk_wifstopped(status) != 0 {
            self = .stopped(Signal(pk_wstopsig(status)))
        } else {
            self = .continued
        }
    }

    /// The exit code a shell reports for it: the code itself, or 128 + the signal number.
    public var shellExitCode: Int32 {
        switch self {
        case .exited(let code): return code
        case .signaled(let signal, _), .stopped(let signal): return 128 + signal.rawValue
        case .continued: return 0
        }
    }

    /// True once the process is gone: it exited or a signal killed it.
    public var hasTerminated: Bool {
        switch self {
        case .exited, .signaled: return true
        case .stopped, .continued: return false
        }
    }

    /// As a person reads it: "exited with status 3", "killed by signal 9 (SIGKILL)".
    public var description: String {
        switch self {
        case .exited(let code): return "exited with status \(code)"
        case .signaled(let signal, let core):
            return "killed by signal \(signal.rawValue) (\(signal.name))" + (core ? ", core dumped" : "")
        case .stopped(let signal): return "stopped by signal \(signal.rawValue) (\(signal.name))"
        case .continued: return "continued"
        }
    }
}
