import ProcessKit

extension RestartLoop {
    /// `--grace`: just before rebound exits, stops what is left (the database a control plane
    /// started with `pg_ctl`) instead of leaving it to the kernel's SIGKILL, logging its course and
    /// its problems as "grace: ..." (rebound has no debug level: the details are left out).
    func drain(_ drain: GracefulDrain, events: SupervisorEvents) {
        drain.run(events) { event in
            let (text, importance) = drain.describe(event)
            if importance != .detail { log.info("grace: " + text) }
        }
    }
}
