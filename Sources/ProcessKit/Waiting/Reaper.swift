import CProcessKit

/// Reaps every child of this process: the tool for an init (PID 1 or a subreaper), which must free the
/// zombies of orphans it adopts and never knew about. An init calls ``reapExited(mainChild:orphan:)``
/// on every SIGCHLD: it frees every zombie, hands adopted orphans to a closure, and returns the main
/// child's status once that one has ended.
///
/// Anything else waits for its own children with ``ChildProcess/wait()`` and friends, which reap that
/// one child only: `waitpid(-1)` here would take the statuses other code in the process waits for.
///
/// ```swift
/// if let status = Reaper.reapExited(mainChild: child.pid, orphan: { log("reaped \($0.pid)") }) {
///     exit(status.shellExitCode)
/// }
/// ```
public enum Reaper {
    /// Reaps one exited child if there is one; nil when none has exited or there are no children.
    public static func reapOne() -> ReapedChild? {
        var status: Int32 = 0
        // wait4 with no rusage is waitpid (glibc's waitpid is this call), without the thread-cancellation
        // path musl's waitpid takes on every call.
        // 0: children remain but none has exited; ECHILD: there are no children.
        guard let pid = try? retryingOnInterrupt({ wait4(-1, &status, WNOHANG, nil) }), pid > 0 else { return nil }
        return ReapedChild(pid: pid, rawStatus: status)
    }

    /// Reaps every child that has exited. Returns the status of `mainChild` if it was among them;
    /// every other child reaped (an adopted orphan) goes to `orphan`.
    @discardableResult
    public static func reapExited(mainChild: Int32, orphan: (ReapedChild) -> Void = { _ in }) -> WaitStatus? {
        var mainStatus: WaitStatus?
        while let reaped = reapOne() {
            if reaped.pid == mainChild { mainStatus = reaped.status } else { orphan(reaped) }
        }
        return mainStatus
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
