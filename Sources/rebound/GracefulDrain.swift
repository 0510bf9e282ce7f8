import ProcessKit

extension RestartLoop {
    /// `--grace`: just before rebound exits, stops what is left (the database a control plane
    /// started with `pg_ctl`) instead of leaving it to the kernel's SIGKILL, logging each stage.
    func drain(_ drain: GracefulDrain, waiter: SignalWaiter) {
        drain.run(waiter: waiter, reap: { Reaper.reapExited(mainChild: 0) }) { event in
            switch event {
            case .nothingLeft:
                log.info("grace: no processes left")
            case .cannotList(let error):
                log.info("grace: cannot list the processes left: \(error); exiting without a graceful stop")
            case .stopping(let processes, let signal):
                log.info("grace: sending \(signal.name) to \(GracefulDrain.describe(processes)), allowing \(GracefulDrain.formatSeconds(drain.seconds)) s")
            case .signalled(let processes, let signal):
                log.info("grace: sent \(signal.name) to \(GracefulDrain.describe(processes))")
            case .cannotSignal(let signal, let error):
                log.info("grace: cannot send \(signal.name) to every process: \(error)")
            case .allGone(let seconds):
                log.info("grace: every process left in time, after \(GracefulDrain.formatSeconds(seconds)) s")
            case .killing(let processes):
                log.info("grace: still running after \(GracefulDrain.formatSeconds(drain.seconds)) s, sending SIGKILL: \(GracefulDrain.describe(processes))")
            case .ignored(let signal):
                log.info("grace: received signal \(signal.rawValue) while draining, ignoring it")
            case .waitFailed(let error):
                log.info("grace: waiting for signals failed: \(error)")
            }
        }
    }
}
