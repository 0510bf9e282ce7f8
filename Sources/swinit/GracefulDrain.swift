import ProcessKit

extension Supervisor {
    /// `--grace`: once the main child has exited (or pause mode is told to stop), stops what is left
    /// (a worker started by an entrypoint script that did not `exec`) before swinit exits and the
    /// kernel SIGKILLs it, logging each stage as "Grace: ...": progress at -v, details at -vv,
    /// problems as warnings.
    func drain(_ drain: GracefulDrain, events: SupervisorEvents) {
        drain.run(events, orphan: reaped) { event in
            let (text, importance) = drain.describe(event)
            switch importance {
            case .progress: log.info("Grace: " + text)
            case .detail: log.debug("Grace: " + text)
            case .problem: log.warning("Grace: " + text)
            }
        }
    }
}
