import ProcessKit

extension Supervisor {
    /// -P (catatonit's pause mode, for a pod's "pause" container): start no program, move to "/" and
    /// close inherited descriptors >= 3, reap whatever is re-parented to swinit, and exit 0 on SIGINT or SIGTERM (after the --grace drain if asked).
    func runPaused(waiter: SignalWaiter) -> Int32 {
        // What catatonit does for a pause container: pin no mount, hold nothing it inherited open.
        do { try ProcessControl.changeDirectory(to: "/") } catch { log.warning("Pause mode: cannot change to '/': \(error)") }
        ProcessControl.closeDescriptors(from: 3)
        log.info("Pause mode: reaping until SIGINT or SIGTERM")
        while true {
            let received: ReceivedSignal?
            do { received = try waiter.wait() } catch {
                waitFailed(error)
                _ = reap(mainChild: 0)
                continue
            }
            guard let received else { continue }
            switch received.signal {
            case .child: _ = reap(mainChild: 0)
            case .interrupt, .terminate:
                log.info("Pause mode: \(received.signal.name) received, exiting")
                return finish(.exited(code: 0), waiter: waiter)
            default: log.debug("Pause mode: ignoring signal '\(received.signal.name)'")
            }
        }
    }
}
