import CProcessKit

/// The `prctl` settings an init uses: child subreaper and parent death signal.
public enum ProcessControl {
    /// Makes this process adopt orphaned descendants (as PID 1 does), so it can reap them.
    public static func setChildSubreaper(_ enabled: Bool = true) throws(Errno) {
        if pk_set_child_subreaper(enabled ? 1 : 0) != 0 { throw Errno.current }
    }

    /// Whether this process is registered as a child subreaper.
    public static var isChildSubreaper: Bool { pk_is_child_subreaper() == 1 }

    /// Asks the kernel to send `signal` to this process when its parent dies (nil: nothing).
    public static func setParentDeathSignal(_ signal: Signal?) throws(Errno) {
        if pk_set_parent_death_signal(signal?.rawValue ?? 0) != 0 { throw Errno.current }
    }

    /// The signal this process gets when its parent dies, if any.
    public static var parentDeathSignal: Signal? { Signal(rawValue: pk_parent_death_signal()) }

    /// This process's pid.
    public static var pid: Int32 { getpid() }

    /// The parent's pid.
    public static var parentPID: Int32 { getppid() }

    /// Ends the process at once with this status (no atexit handlers run in Embedded builds either).
    public static func exit(_ code: Int32) -> Never { _exit(code) }
}
