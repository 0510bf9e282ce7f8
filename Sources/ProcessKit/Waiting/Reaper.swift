import CProcessKit

/// Reaps every child of this process: the tool for an init (PID 1 or a subreaper), which must free the
/// zombies of orphans it adopts and never knew about; ``SupervisorEvents`` reaps with it on every SIGCHLD.
///
/// Anything else waits for its own children with ``ChildProcess/wait()`` and friends, which reap that
/// one child only: `waitpid(-1)` here would take the statuses other code in the process waits for.
public enum Reaper {
    /// Reaps one exited child if there is one; nil when none has exited or there are no children.
    /// Inlined into an init's reaping loop, which runs once per zombie.
    @inline(__always)
    public static func reapOne() -> ReapedChild? {
        var status: Int32 = 0
        // wait4 with no rusage is waitpid (glibc's waitpid is this call), without the thread-cancellation
        // path musl's waitpid takes on every call.
        // 0: children remain but none has exited; ECHILD: there are no children.
        guard let pid = try? retryingOnInterrupt({ wait4(-1, &status, WNOHANG, nil) }), pid > 0 else { return nil }
        return ReapedChild(pid: pid, rawStatus: status)
    }

    /// Waits (blocking) until the child with this pid has ended and returns how. For a child known
    /// only by its pid; a ``ChildProcess`` waits for itself through its pidfd.
    public static func wait(for pid: Int32) throws(Errno) -> WaitStatus {
        var status: Int32 = 0
        _ = try retryingOnInterrupt { waitpid(pid, &status, 0) }
        return WaitStatus(rawValue: status)
    }

    /// True when the calling process has at least one child, alive or a zombie.
    public static func hasChildren() -> Bool {
        var info = siginfo_t()
        return waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) == 0
    }
}
