#if !hasFeature(Embedded)
import CProcessKit

/// Waiting for one child from async code: its pidfd is watched by ``EventPoller``, and the child is
/// reaped with a non-blocking `wait4` on its pid only, so other children's statuses are left alone.
enum AsyncChildWait {
    /// Waits until `pid` (a child of this process) has ended, reaps it and returns how it ended.
    /// With `cancellable`, cancelling the task throws `CancellationError` and leaves the child
    /// running and unreaped.
    static func status(of pid: Int32, cancellable: Bool) async throws -> WaitStatus {
        let pidfd = pk_pidfd_open(pid)
        guard pidfd >= 0 else { throw Errno.current }
        defer { close(pidfd) }
        while true {
            var raw: Int32 = 0
            let reaped = wait4(pid, &raw, WNOHANG, nil)
            if reaped == pid { return WaitStatus(rawValue: raw) }
            if reaped == -1 {
                let error = Errno.current
                if error == .interrupted { continue }
                throw error
            }
            try await EventPoller.shared.ready(pidfd, cancellable: cancellable)
        }
    }
}
#endif
