import ProcessKit

extension RestartLoop {
    /// `--grace`: just before rebound exits, stops what is left (the database a control plane
    /// started with `pg_ctl`) instead of leaving it to the kernel's SIGKILL, logging its course and
    /// its problems as "grace: ..." (rebound has no debug level: the details are left out).
    func drain(_ drain: GracefulDrain, waiter: SignalWaiter) {
        drain.run(waiter: waiter, reap: { Reaper.reapExited(mainChild: 0) }) { event in
            let (text, importance) = drain.describe(event)
            if importance != .detail { log.info("grace: " + text) }
        }
    }
}
