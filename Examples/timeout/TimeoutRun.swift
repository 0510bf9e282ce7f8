import ProcessKit

/// One run of `timeout`: starts the command, waits for it, a signal or the deadline, and works out
/// the exit status as GNU timeout does.
struct TimeoutRun {
    let options: TimeoutOptions
    let name: String
    /// The signal the next timeout or forwarded signal sends: `-s`'s, then KILL once `-k` is armed.
    var signal: Signal?
    /// The `-k` duration until it is armed by the first signal sent.
    var killAfter: TimeoutDuration
    var timedOut = false
    /// Signals timeout has sent to its own group: from then on it takes no more of them, as GNU's
    /// timeout, which ignores each signal it sends to its group, no longer reacts to it.
    var sentToGroup = SignalSet()

    init(options: TimeoutOptions, name: String) {
        self.options = options
        self.name = name
        signal = options.signal
        killAfter = options.killAfter
    }

    /// Runs the command to its end; returns the exit status, or does not return when it dies of the
    /// command's own fatal signal.
    mutating func start() -> Int32 {
        let inheritedIgnored = SignalSet.currentlyIgnored()
        if !options.foreground { try? ProcessControl.startNewProcessGroup() }

        var handled: SignalSet = [.alarm, .interrupt, .quit, .hangup, .terminate, .child]
        if let signal { handled.insert(signal) }
        let waiter: SignalWaiter
        do { waiter = try SignalWaiter(blocking: handled) } catch {
            Timeout.printError("\(name): warning: sigprocmask: \(error)")
            return Timeout.cannotStart
        }
        // GNU catches each signal it handles, so they start at their default action in the command
        // whatever timeout inherited (a background job's ignored SIGINT and SIGQUIT too). Blocked and
        // taken here instead, they are set to their default action: SIGCHLD ignored would also have
        // the kernel reap the command itself, and no SIGCHLD would ever come.
        for signal in handled { try? signal.setDisposition(.default) }
        // Ignored here so that a background timeout is never stopped by its terminal; at their
        // default action in the command, as GNU sets them.
        try? Signal.terminalInput.setDisposition(.ignore)
        try? Signal.terminalOutput.setDisposition(.ignore)
        // GNU unblocks SIGALRM and SIGCHLD, which it needs, and leaves every other signal it inherited
        // blocked blocked: one of those it handles is never acted on. The command starts with the
        // mask timeout inherited, less SIGCHLD (GNU unblocks that one before it saves the mask).
        let inheritedBlocked = waiter.previousMask.subtracting([.alarm, .child])
        guard let program = options.command.first else { return Timeout.cannotStart }
        // A SIGALRM already pending is the time running out at once. GNU unblocks SIGALRM just after
        // its fork, so its handler sends the signal to the child before the child has exec'd: a signal
        // that ends the child there means the command never runs.
        if SignalSet.currentlyPending().contains(.alarm) {
            timedOut = true
            if let signal, endsCommandBeforeExec(signal, blocked: waiter.previousMask) {
                return timedOutBeforeStart(signal)
            }
        }
        var command = Command(bytes: program, arguments: Array(options.command.dropFirst()))
        command.signalMask = .exactly(waiter.previousMask.subtracting([.child]))
        // Every other signal timeout inherited as ignored stays ignored in the command, as exec passes it on.
        command.ignoredSignals = .exactly(inheritedIgnored.subtracting(handled).subtracting([.terminalInput, .terminalOutput]))
        command.inheritsAllFileDescriptors = true  // as exec would: GNU timeout passes every fd on
        let child: ChildProcess
        do { child = try command.spawn() } catch {
            // ProcessKit names a directory given as the program; execvp, and so GNU, says EACCES.
            let reason = error.errno == .isDirectory ? Errno.permissionDenied : error.errno
            Timeout.printError("\(name): failed to run command '\(String(decoding: program, as: UTF8.self))': \(reason)")
            let code: Int32 = reason == .noSuchFile ? 127 : 126  // GNU: ENOENT alone is "not found"
            if timedOut {
                // The time ran out at the start: GNU's handler has already sent -s's signal to the
                // child that failed, and says so under -v.
                printSending(signal)
                return options.preserveStatus ? code : Timeout.timedOutStatus
            }
            return code
        }

        var deadline = options.duration.isNone ? nil : Deadline.after(options.duration.length)
        while true {
            let received: ReceivedSignal?
            do { received = try waiter.wait(until: deadline) } catch {
                Timeout.printError("\(name): error waiting for command: \(error)")
                return Timeout.cannotStart
            }
            // SIGCHLD is never dropped, even after `-s CHLD`: it is how timeout learns the command ended.
            if let received, received.signal != .child,
                sentToGroup.contains(received.signal) || inheritedBlocked.contains(received.signal)
            {
                continue
            }
            switch received?.signal {
            case nil:
                timedOut = true
                deadline = nil  // GNU's timer fires once
                send(to: child, signal, deadline: &deadline)
            case .alarm?:
                // A SIGALRM from elsewhere, or one pending at the start, is the time running out too;
                // GNU's own timer stays armed and sends the signal again when it fires.
                timedOut = true
                send(to: child, signal, deadline: &deadline)
            case .child?:
                if let status = try? child.tryWait() { return exitStatus(for: status) }
            case let other?:
                send(to: child, other, deadline: &deadline)
            }
        }
    }

    /// Whether `signal`, sent to GNU's child between its fork and its exec, ends it there: the child
    /// still has GNU's handlers, which `_exit(128 + signal)`, so KILL and any signal it has not blocked
    /// end it, except STOP (the CONT that follows resumes it), CHLD (a handler that does nothing) and
    /// TTIN and TTOU (ignored until the exec).
    func endsCommandBeforeExec(_ signal: Signal, blocked: SignalSet) -> Bool {
        if signal == .kill { return true }
        if blocked.contains(signal) { return false }
        return ![Signal.stop, .child, .terminalInput, .terminalOutput].contains(signal)
    }

    /// The time ran out before the command could start: GNU's child ends of `signal` before its exec
    /// (`-s KILL` also ends timeout, which sends it to its own group), and timeout reports it.
    mutating func timedOutBeforeStart(_ signal: Signal) -> Int32 {
        printSending(signal)
        if signal == .kill {
            if !options.foreground { sendToOwnGroup(.kill) }
            return 128 + Signal.kill.rawValue  // GNU: a KILL on timeout is always reported as such
        }
        return options.preserveStatus ? 128 + signal.rawValue : Timeout.timedOutStatus
    }

    /// Under -v, GNU's line for a signal on its way to the command (EXIT for `-s 0`, which sends nothing).
    func printSending(_ signal: Signal?) {
        guard options.verbose else { return }
        let signalName = signal.map { String($0.name.dropFirst(3)) } ?? "EXIT"
        Timeout.printError(
            "\(name): sending signal \(signalName) to command '\(String(decoding: options.command[0], as: UTF8.self))'")
    }

    /// GNU's cleanup(): arms `-k` once, then sends `signal` to the command and (unless
    /// `--foreground`) to the whole group, followed by CONT so a stopped command sees it.
    mutating func send(to child: ChildProcess, _ signal: Signal?, deadline: inout Deadline?) {
        if !killAfter.isNone {
            self.signal = .kill
            deadline = Deadline.after(killAfter.length)
            killAfter = TimeoutDuration(parsing: "0")!
        }
        printSending(signal)
        guard let signal else { return }  // signal 0 sends nothing
        try? child.send(signal)
        guard !options.foreground else { return }
        sendToOwnGroup(signal)
        if signal != .kill, signal != .continue {
            try? child.send(.continue)
            sendToOwnGroup(.continue)
        }
    }

    /// Sends `signal` to this process's group, which includes timeout: it stays blocked here and is
    /// then dropped when taken (KILL, which cannot be blocked, ends timeout too: status 137).
    mutating func sendToOwnGroup(_ signal: Signal) {
        sentToGroup.insert(signal)
        try? signal.send(to: 0)
    }

    /// The status timeout exits with once the command has ended.
    func exitStatus(for status: WaitStatus) -> Int32 {
        var preserveStatus = options.preserveStatus
        let code: Int32
        switch status {
        case .exited(let exitCode):
            code = exitCode
        case .signaled(let signal, let coreDumped):
            if coreDumped { Timeout.printError("\(name): the monitored command dumped core") }
            if !timedOut, (try? ProcessControl.disableCoreDumps()) != nil {
                // Die of the same signal, so whoever waits for timeout sees what the command did.
                try? signal.setDisposition(.default)
                _ = try? SignalSet([signal]).unblock()
                try? signal.send(to: ProcessControl.pid)
            }
            if timedOut, signal == .kill { preserveStatus = true }
            code = 128 + signal.rawValue
        default:
            code = 1
        }
        return timedOut && !preserveStatus ? Timeout.timedOutStatus : code
    }
}
