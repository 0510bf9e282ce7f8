import ProcessKit

extension Supervisor {
    /// `--grace`: once the main child has exited (or pause mode is told to stop), stops what is left
    /// (a worker started by an entrypoint script that did not `exec`) before swinit exits and the
    /// kernel SIGKILLs it, logging each stage as "Grace: ...".
    func drain(_ drain: GracefulDrain, waiter: SignalWaiter) {
        drain.run(waiter: waiter, reap: { _ = reap(mainChild: 0) }) { event in
            switch event {
            case .nothingLeft:
                log.info("Grace: no processes left")
            case .cannotList(let error):
                log.warning("Grace: cannot list the processes left: \(error); exiting without a graceful stop")
            case .stopping(let processes, let signal):
                log.info("Grace: sending \(signal.name) to \(GracefulDrain.describe(processes)), allowing \(GracefulDrain.formatSeconds(drain.seconds)) s")
            case .signalled(let processes, let signal):
                log.debug("Grace: sent \(signal.name) to \(GracefulDrain.describe(processes))")
            case .cannotSignal(let signal, let error):
                log.warning("Grace: cannot send \(signal.name) to every process: \(error)")
            case .allGone(let seconds):
                log.info("Grace: every process left in time, after \(GracefulDrain.formatSeconds(seconds)) s")
            case .killing(let processes):
                log.warning("Grace: still running after \(GracefulDrain.formatSeconds(drain.seconds)) s, sending SIGKILL: \(GracefulDrain.describe(processes))")
            case .ignored(let signal):
                log.debug("Grace: ignoring signal '\(signal.name)' while draining")
            case .waitFailed(let error):
                log.warning("Grace: waiting for signals failed: \(error)")
            }
        }
    }
}
