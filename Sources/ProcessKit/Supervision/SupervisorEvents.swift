/// The event source of an init-style supervisor (swinit, rebound). It takes every catchable signal
/// with a ``SignalWaiter`` instead of handling it, starts the supervisor's children with the signal
/// mask and ignored signals the supervisor was started with, and turns what the kernel says into
/// ``SupervisorEvent``s. Reaping (every zombie, adopted orphans too), dropping the signals this
/// process raised itself and forwarding that tolerates a child already gone are done here, once.
///
/// ```swift
/// let events = try SupervisorEvents()
/// let child = try? events.start(events.command(["server"]))
/// while true {
///     switch events.next() {
///     case .childEnded(_, let status): exit(status.shellExitCode)
///     case .signal(let received): try? events.forward(received.signal, to: child)
///     case .deadline, .noChildrenLeft, .waitFailed: continue
///     }
/// }
/// ```
///
/// Like its ``SignalWaiter``, it belongs to the thread that made it.
public final class SupervisorEvents {
    /// Signals it waits for: faults stay unblocked so a bug crashes rather than hangs, and the
    /// terminal signals stay unblocked so that, ignored, they are discarded as they come (a blocked
    /// signal is queued even when ignored, and would be taken and forwarded), as tini drops them.
    public static let waitedFor = SignalSet.catchable.subtracting(.synchronousFaults).subtracting(terminalSignals)
    /// Signals meant for the child: everything waited for but SIGCHLD, which is the supervisor's own.
    public static let forwarded = waitedFor.subtracting([.child])
    /// Ignored by the supervisor so that terminal job control never stops it.
    public static let terminalSignals: SignalSet = [.terminalInput, .terminalOutput]

    /// Takes the waited-for signals; its ``SignalWaiter/previousMask`` is the caller's original mask.
    public let waiter: SignalWaiter
    /// The signals the caller had left ignored when the supervisor started (any number 1-64).
    public let inheritedIgnored: SignalSet
    private let ownPID = ProcessControl.pid
    /// The children ``start(_:)`` started that have not been reaped.
    private var running: [Int32] = []
    /// A SIGCHLD came and more exited children may wait to be reaped.
    private var mayReap = false
    /// The end of a child that could not start, the next event.
    private var failedStart: ReapedChild?

    /// Blocks ``waitedFor`` and ignores ``terminalSignals``. Signals the caller left ignored would be
    /// discarded before they could be taken, so they are reset to their default action first (and
    /// handed back to children as ignored).
    public init() throws(Errno) {
        inheritedIgnored = SignalSet.currentlyIgnored()
        for signal in inheritedIgnored.intersection(SupervisorEvents.waitedFor).subtracting(SupervisorEvents.terminalSignals) {
            try signal.setDisposition(.default)
        }
        waiter = try SignalWaiter(blocking: SupervisorEvents.waitedFor)
        for signal in SupervisorEvents.terminalSignals { try signal.setDisposition(.ignore) }
    }

    /// A command for `argv` (the program and its arguments, bytes as given) that keeps every file
    /// descriptor the supervisor was handed, as tini does; `newProcessGroup` starts it in a group
    /// of its own, in the terminal's foreground.
    public func command(_ argv: [[UInt8]], newProcessGroup: Bool = false) -> Command {
        var command = Command(bytes: argv[0], arguments: Array(argv.dropFirst()))
        if newProcessGroup {
            command.processGroup = .new
            command.foregroundTerminal = 0
        }
        command.inheritsAllFileDescriptors = true
        return command
    }

    /// Starts `command` with exactly the signal mask and ignored signals the caller had when the
    /// supervisor started, as exec would hand them on (tini's child gets the same): the faults and
    /// SIGCHLD included, and the terminal signals at their default action unless the caller ignored
    /// them. Its end comes as
    /// ``SupervisorEvent/childEnded(pid:status:)``. When it cannot start, the error is thrown for
    /// the caller's log and the child's end (127, 126 or 1) is the next event.
    public func start(_ command: Command) throws(SpawnError) -> ChildProcess {
        var command = command
        command.signalMask = .exactly(waiter.previousMask)
        command.ignoredSignals = .exactly(inheritedIgnored)
        command.defaultSignals = SupervisorEvents.terminalSignals.subtracting(inheritedIgnored)
        do {
            let child = try command.spawn()
            running.append(child.pid)
            return child
        } catch {
            // A shell's exit code, as the wait status of a child that exited with it.
            failedStart = ReapedChild(pid: error.childPID ?? 0, rawStatus: error.shellExitCode << 8)
            throw error
        }
    }

    /// The next event, waiting for it until `deadline` (without one, as long as it takes). Every
    /// SIGCHLD reaps: children it started become events, adopted orphans go to `orphan` (nil: no
    /// call at all, for an init that reaps thousands and logs none).
    /// `untilNoChildren` adds ``SupervisorEvent/noChildrenLeft``, for a drain.
    public func next(
        until deadline: Deadline? = nil, untilNoChildren: Bool = false,
        orphan: ((ReapedChild) -> Void)? = nil
    ) -> SupervisorEvent {
        if let child = failedStart {
            failedStart = nil
            return .childEnded(pid: child.pid, status: child.status)
        }
        while true {
            if mayReap, let child = reap(orphan: orphan) { return .childEnded(pid: child.pid, status: child.status) }
            if untilNoChildren && !Reaper.hasChildren() { return .noChildrenLeft }
            let received: ReceivedSignal?
            do { received = try waiter.wait(until: deadline) } catch {
                mayReap = true  // the failed wait may have been a SIGCHLD's
                return .waitFailed(error)
            }
            guard let received else { return .deadline }
            if received.signal == .child {
                mayReap = true
            } else if received.senderPID != ownPID {
                return .signal(received)
            }
        }
    }

    /// Reaps the children that have exited, adopted orphans going to `orphan`, until one it started
    /// turns up (returned: the next call goes on from there) or none is left to reap.
    private func reap(orphan: ((ReapedChild) -> Void)?) -> ReapedChild? {
        // Read once, not once per zombie: an init may reap thousands of orphans in one go, and
        // each access to a class's stored array is checked for exclusivity.
        let started = running
        while let reaped = Reaper.reapOne() {
            var isStarted = false
            for index in 0..<started.count where started[index] == reaped.pid { isStarted = true }
            guard isStarted else {
                orphan?(reaped)
                continue
            }
            running.removeAll { $0 == reaped.pid }
            return reaped
        }
        mayReap = false
        return nil
    }

    /// Reaps every child that has exited, for a drain: the ends of children it started are dropped
    /// (nothing asks for them after it).
    func reapAll(orphan: ((ReapedChild) -> Void)?) {
        while reap(orphan: orphan) != nil {}
    }

    /// Sends `signal` to `child` (or with `toGroup` to the group it leads); nothing when there is no
    /// child, and a child already gone is no error.
    public func forward(_ signal: Signal, to child: ChildProcess?, toGroup: Bool = false) throws(Errno) {
        try child?.sendIgnoringGone(signal, toGroup: toGroup)
    }
}

@available(*, unavailable, message: "SupervisorEvents waits for signals blocked in the thread that made it")
extension SupervisorEvents: Sendable {}
