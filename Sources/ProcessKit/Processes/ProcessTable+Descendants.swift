extension ProcessTable {
    /// Sends `signal` to every live process below this one (found through /proc), and to nothing
    /// else: never `kill(-1, …)`, so a subreaper can stop what its child left behind without touching
    /// the rest of the system. Returns the processes signalled; one that exits meanwhile is skipped.
    @discardableResult
    public static func signalDescendants(_ signal: Signal, proc: String = "/proc") throws(ProcessTableError) -> [ProcessEntry] {
        var signalled: [ProcessEntry] = []
        for process in try descendantsOfThisProcess(proc: proc) where !process.isZombie {
            // A failure is ESRCH: it exited after the snapshot.
            if (try? signal.send(to: process.pid)) != nil { signalled.append(process) }
        }
        return signalled
    }
}
