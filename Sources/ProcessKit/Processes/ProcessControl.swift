import CProcessKit

/// Settings of this process itself: child subreaper, parent death signal, process group, core dumps.
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

    /// Makes this process the leader of a new process group (`setpgid(0, 0)`), so that a signal sent
    /// to its group reaches it and every child that stays in the group, and no other process.
    public static func startNewProcessGroup() throws(Errno) {
        if setpgid(0, 0) != 0 { throw Errno.current }
    }

    /// Stops this process from dumping core, e.g. before it kills itself with the signal that killed
    /// its child, so that its parent sees the same status without a second core file.
    public static func disableCoreDumps() throws(Errno) {
        if pk_disable_core_dumps() != 0 { throw Errno.current }
    }

    /// This process's pid (`getpid`).
    public static var pid: Int32 { getpid() }
    /// This process's parent's pid (`getppid`); 0 for PID 1 of a namespace.
    public static var parentPID: Int32 { getppid() }

    /// Ends the process at once with this status (no atexit handlers run in Embedded builds either).
    public static func exit(_ code: Int32) -> Never { _exit(code) }
}
