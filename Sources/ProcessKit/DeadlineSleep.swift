import CProcessKit

extension Deadline {
    /// Sleeps until this deadline (returns at once if it has passed). Signals that arrive meanwhile
    /// stay pending; for an init that must not spin when waiting for them has failed.
    public func sleep() {
        while true {
            let remaining = nanoseconds - Deadline.now.nanoseconds
            if remaining <= 0 { return }
            var request = timespec(tv_sec: Int(remaining / 1_000_000_000), tv_nsec: Int(remaining % 1_000_000_000))
            if nanosleep(&request, nil) == 0 { return }
        }
    }
}
