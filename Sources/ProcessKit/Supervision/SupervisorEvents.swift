/// The event source of an init-style supervisor (swinit, rebound): it owns the supervisor's signal
/// set-up, starts its children, and turns what the kernel says into ``SupervisorEvent``s. Reaping
/// (every zombie, adopted orphans too), dropping the signals this process raised itself and
/// forwarding that tolerates a child already gone are done here, once.
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
    /// The blocked signals it waits for, and what children get back of the caller's settings.
    public let signals: SupervisorSignals
    private let ownPID = ProcessControl.pid
    /// The children ``start(_:)`` started that have not been reaped.
    private var running: [Int32] = []
    /// Children reaped (or failed to start) whose ``SupervisorEvent/childEnded(pid:status:)`` is still to come.
    private var ended: [ReapedChild] = []

    /// Sets up the supervisor's signals (``SupervisorSignals/init()``).
    public init() throws(Errno) { signals = try SupervisorSignals() }

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

    /// Starts `command` with the caller's original signal settings (``SupervisorSignals/prepare(_:)``);
    /// its end comes as ``SupervisorEvent/childEnded(pid:status:)``. When it cannot start, the error
    /// is thrown for the caller's log and the child's end (127, 126 or 1) is still the next event.
    public func start(_ command: Command) throws(SpawnError) -> ChildProcess {
        var command = command
        signals.prepare(&command)
        do {
            let child = try command.spawn()
            running.append(child.pid)
            return child
        } catch {
            // A shell's exit code, as the wait status of a child that exited with it.
            ended.append(ReapedChild(pid: error.childPID ?? 0, rawStatus: error.shellExitCode << 8))
            throw error
        }
    }

    /// The next event, waiting for it until `deadline` (without one, as long as it takes). Every
    /// SIGCHLD reaps: children it started become events, adopted orphans go to `orphan`.
    /// `untilNoChildren` adds ``SupervisorEvent/noChildrenLeft``, for a drain.
    public func next(until deadline: Deadline? = nil, untilNoChildren: Bool = false,
                     orphan: (ReapedChild) -> Void = { _ in }) -> SupervisorEvent {
        while true {
            if !ended.isEmpty {
                let child = ended.removeFirst()
                return .childEnded(pid: child.pid, status: child.status)
            }
            if untilNoChildren && !Reaper.hasChildren() { return .noChildrenLeft }
            let received: ReceivedSignal?
            do { received = try signals.waiter.wait(until: deadline) } catch { return .waitFailed(error) }
            guard let received else { return .deadline }
            if received.signal == .child {
                reapExited(orphan: orphan)
            } else if received.senderPID != ownPID {
                return .signal(received)
            }
        }
    }

    /// Reaps every child that has exited: those it started become events, the rest go to `orphan`.
    public func reapExited(orphan: (ReapedChild) -> Void = { _ in }) {
        while let reaped = Reaper.reapOne() {
            if let index = running.firstIndex(of: reaped.pid) {
                running.remove(at: index)
                ended.append(reaped)
            } else {
                orphan(reaped)
            }
        }
    }

    /// Sends `signal` to `child` (or with `toGroup` to the group it leads); nothing when there is no
    /// child, and a child already gone is no error.
    public func forward(_ signal: Signal, to child: ChildProcess?, toGroup: Bool = false) throws(Errno) {
        try child?.sendIgnoringGone(signal, toGroup: toGroup)
    }
}

@available(*, unavailable, message: "SupervisorEvents waits for signals blocked in the thread that made it")
extension SupervisorEvents: Sendable {}
