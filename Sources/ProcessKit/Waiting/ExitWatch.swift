/// Children waited for until each has exited, with an optional deadline: past it, those still
/// running are stopped with a teardown's steps, or without one the wait ends there. The one wait for
/// children behind ``ChildProcess/wait(until:)``, ``ChildProcess/tearDown(_:)``, their `await` forms
/// and every run: a ``Stepper`` that sleeps on the children's pidfds, or looks again after a pause
/// growing to 50 ms for a child without one (Linux before 5.3).
struct ExitWatch: Stepper {
    let children: [ChildProcess]
    /// Each child's status once reaped.
    private(set) var statuses: [WaitStatus?]
    /// When the children still running are stopped (or the wait ends, without a teardown).
    private(set) var deadline: Deadline?
    let teardown: Teardown?
    /// True once the deadline passed while a child was still running.
    private(set) var timedOut = false
    /// The teardown under way, from the deadline on.
    private var progress: TeardownProgress?
    /// The pause before looking again at a child without a pidfd.
    private var pause: Int64 = 1_000_000

    init(_ children: [ChildProcess], deadline: Deadline?, teardown: Teardown?) {
        self.children = children
        statuses = Array(repeating: nil, count: children.count)
        self.deadline = deadline
        self.teardown = teardown
    }

    /// Every child stopped with `teardown` from now on.
    static func tearingDown(_ children: [ChildProcess], with teardown: Teardown) -> ExitWatch {
        ExitWatch(children, deadline: .now, teardown: teardown)
    }

    var allExited: Bool { !statuses.contains(nil) }

    /// Brings the deadline forward to now, so the teardown starts at the next step (a cancelled task).
    mutating func stopNow() {
        let now = Deadline.now
        if deadline.map({ now < $0 }) ?? true { deadline = now }
    }

    /// Reaps the children that have exited and sends the teardown's signals that are due. Returns what
    /// to wait on until the next step, nil once every child is reaped or the deadline passed without a
    /// teardown.
    mutating func step() throws(Errno) -> Readiness? {
        for index in children.indices where statuses[index] == nil { statuses[index] = try children[index].tryWait() }
        if allExited { return nil }
        let now = Deadline.now
        if progress == nil, let deadline, now >= deadline {
            timedOut = true
            guard let teardown else { return nil }
            progress = TeardownProgress(teardown)
        }
        var readiness = Readiness(deadline: deadline)
        if var current = progress {
            let children = self.children, statuses = self.statuses, toGroup = current.teardown.signalsProcessGroup
            readiness.deadline = try current.advance(now: now) { (signal) throws(Errno) in
                for index in children.indices where statuses[index] == nil {
                    try children[index].sendIgnoringGone(signal, toGroup: toGroup)
                }
            }
            progress = current
        }
        var lacksPidfd = false
        for index in children.indices where statuses[index] == nil {
            if let pidfd = children[index].pidDescriptor {
                readiness.watches.append(Readiness.Watch(fd: pidfd.rawValue, writable: false))
            } else {
                lacksPidfd = true
            }
        }
        if lacksPidfd {
            let look = Deadline(nanoseconds: now.nanoseconds &+ pause)
            pause = min(pause * 2, 50_000_000)
            readiness.deadline = min(readiness.deadline ?? look, look)
        }
        return readiness
    }
}
