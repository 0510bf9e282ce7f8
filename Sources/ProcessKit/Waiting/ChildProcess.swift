import CProcessKit

/// A started child process: its pid, a pidfd for it where the kernel has one, and the parent's ends
/// of the pipes its ``Command`` asked for. It waits for this one child only (`waitid` on its pidfd or
/// pid), never reaping any other, and signals it through the pidfd, so a pid the kernel has recycled
/// after the child was reaped is never hit.
///
/// It owns its pidfd and pipe ends and closes them when it goes away; it does not stop or reap the
/// child then (a child never waited for stays a zombie until this process exits or an init-style
/// ``Reaper`` collects it). So whoever calls ``Command/spawn()`` is responsible for the wait; the
/// scoped `command.run { child in ... }` takes that over, stopping and reaping the child when its
/// body ends. Safe to share between threads: waits, signals and closes are serialized
/// where they must be, and a status reaped by one thread is returned to every waiter.
///
/// ```swift
/// let child = try Command("sleep", arguments: ["10"]).spawn()
/// if try child.wait(until: .after(.seconds(1))) == nil {
///     let status = try child.tearDown(.standard)   // SIGTERM, 5 s, SIGKILL
/// }
/// ```
public final class ChildProcess: @unchecked Sendable {
    /// Its pid. Signal it through ``ChildProcess/send(_:toGroup:)``, which goes through the pidfd, so a reused pid is never hit.
    public let pid: Int32
    /// The group it leads, when it was started in a new one.
    public let processGroup: Int32?
    /// A pidfd for it (close-on-exec): readable once it has exited, for a `poll`/`epoll` loop. nil
    /// when the kernel has none (before Linux 5.3). Owned by this object.
    public let pidDescriptor: FileDescriptor?

    /// The bytes ``StandardInput/bytes(_:)`` asked to feed it, for ``collect(until:teardown:readingUntil:)``.
    let pendingInput: [UInt8]?
    /// The limits of captured streams (``StandardOutput/capture(limit:)``); nil for a plain pipe.
    let outputLimit: Int?, errorLimit: Int?
    /// Its program, for error messages.
    let program: String

    /// Guards ``reapedStatus`` and the pipe ends.
    private let lock = Lock()
    private var reapedStatus: WaitStatus?
    private var inputEnd: FileDescriptor?, outputEnd: FileDescriptor?, errorEnd: FileDescriptor?

    init(
        pid: Int32, pidDescriptor: FileDescriptor?, processGroup: Int32?, program: String,
        input: FileDescriptor? = nil, output: FileDescriptor? = nil, error: FileDescriptor? = nil,
        pendingInput: [UInt8]? = nil, outputLimit: Int? = nil, errorLimit: Int? = nil
    ) {
        self.pid = pid
        self.pidDescriptor = pidDescriptor
        self.processGroup = processGroup
        self.program = program
        inputEnd = input
        outputEnd = output
        errorEnd = error
        self.pendingInput = pendingInput
        self.outputLimit = outputLimit
        self.errorLimit = errorLimit
    }

    /// A child of this process known by its pid, started some other way; `processGroup` when it
    /// leads one. A pidfd is opened for it where the kernel has them.
    public convenience init(pid: Int32, processGroup: Int32? = nil) {
        let fd = pk_pidfd_open(pid)
        self.init(
            pid: pid, pidDescriptor: fd >= 0 ? FileDescriptor(rawValue: fd) : nil, processGroup: processGroup,
            program: "pid \(pid)")
    }

    deinit {
        for fd in [pidDescriptor, inputEnd, outputEnd, errorEnd] { try? fd?.close() }
    }

    // MARK: Pipes

    /// The write end of its standard input pipe: there when ``Command/standardInput`` was
    /// ``StandardInput/pipe`` or ``StandardInput/bytes(_:)``, until it is closed or taken. Asking for a
    /// pipe the child does not have is a programming error: it stops the program with a message naming
    /// the setting. ``standardInputIfPiped`` is the form that may be nil.
    public var standardInput: FileDescriptor {
        guard let end = standardInputIfPiped else {
            missingPipe("standardInput", "standard input", made: ".pipe or .bytes(_:)", gone: "closed or taken")
        }
        return end
    }
    /// The read end of its standard output pipe: there when ``Command/standardOutput`` was
    /// ``StandardOutput/pipe`` or ``StandardOutput/capture(limit:)``, until it is taken. Asking for a pipe
    /// the child does not have is a programming error: it stops the program with a message naming the
    /// setting. ``standardOutputIfPiped`` is the form that may be nil.
    public var standardOutput: FileDescriptor {
        guard let end = standardOutputIfPiped else {
            missingPipe("standardOutput", "standard output", made: ".pipe or .capture(limit:)", gone: "taken")
        }
        return end
    }
    /// The read end of its standard error pipe: there when ``Command/standardError`` was
    /// ``StandardOutput/pipe`` or ``StandardOutput/capture(limit:)``, until it is taken. Asking for a pipe
    /// the child does not have is a programming error: it stops the program with a message naming the
    /// setting. ``standardErrorIfPiped`` is the form that may be nil.
    public var standardError: FileDescriptor {
        guard let end = standardErrorIfPiped else {
            missingPipe("standardError", "standard error", made: ".pipe or .capture(limit:)", gone: "taken")
        }
        return end
    }

    /// The write end of its standard input pipe while it has one; nil when the command did not pipe
    /// standard input, or once it was closed or taken.
    public var standardInputIfPiped: FileDescriptor? { lock.withLock { inputEnd } }
    /// The read end of its standard output pipe while it has one; nil when the command did not pipe
    /// standard output, or once it was taken.
    public var standardOutputIfPiped: FileDescriptor? { lock.withLock { outputEnd } }
    /// The read end of its standard error pipe while it has one; nil when the command did not pipe
    /// standard error, or once it was taken.
    public var standardErrorIfPiped: FileDescriptor? { lock.withLock { errorEnd } }

    /// Stops the program: the caller asked for a pipe end this child does not have.
    private func missingPipe(_ property: String, _ stream: String, made settings: String, gone: String) -> Never {
        preconditionFailure(
            "ChildProcess.\(property): '\(program)' has no \(stream) pipe (its command did not set "
                + "\(property) = \(settings), or the pipe was \(gone)); use \(property)IfPiped where it may be missing")
    }

    /// Closes the write end of its standard input pipe: the child reads end of file.
    public func closeStandardInput() {
        try? takeStandardInput()?.close()
    }

    /// Hands over the write end of its standard input pipe: the caller closes it from now on.
    public func takeStandardInput() -> FileDescriptor? {
        lock.withLock {
            defer { inputEnd = nil }; return inputEnd
        }
    }
    /// Hands over the read end of its standard output pipe: the caller closes it from now on.
    public func takeStandardOutput() -> FileDescriptor? {
        lock.withLock {
            defer { outputEnd = nil }; return outputEnd
        }
    }
    /// Hands over the read end of its standard error pipe: the caller closes it from now on.
    public func takeStandardError() -> FileDescriptor? {
        lock.withLock {
            defer { errorEnd = nil }; return errorEnd
        }
    }

    // MARK: Signals

    /// Sends a signal to the child alone (through its pidfd where there is one), or with `toGroup` to
    /// the process group it leads. Once the child has been reaped this throws ESRCH rather than signal
    /// whatever process has its pid now.
    public func send(_ signal: Signal, toGroup: Bool = false) throws(Errno) {
        if toGroup {
            // A group outlives its leader while members remain; once the leader is reaped its pid (the
            // group id) cannot be reused by a new group while the group exists, so this is safe too.
            try signal.send(to: -(processGroup ?? pid))
        } else if let pidDescriptor {
            if pk_pidfd_send_signal(pidDescriptor.rawValue, signal.rawValue) != 0 { throw Errno.current }
        } else {
            try lock.withLock { () throws(Errno) in
                if reapedStatus != nil { throw Errno.noSuchProcess }
                try signal.send(to: pid)
            }
        }
    }

    // MARK: Waiting

    /// Its status if it has already been reaped by one of the waits here; nil otherwise.
    public var reaped: WaitStatus? { lock.withLock { reapedStatus } }

    /// Reaps it if it has exited, without blocking; nil while it runs. ECHILD when something else
    /// (a ``Reaper``, `waitpid(-1)`, the kernel while SIGCHLD was ignored) reaped it first.
    public func tryWait() throws(Errno) -> WaitStatus? {
        try lock.withLock { () throws(Errno) -> WaitStatus? in
            if let reapedStatus { return reapedStatus }
            var raw: Int32 = 0
            let found = try retryingOnInterrupt { pk_wait_child(pid, pidDescriptor?.rawValue ?? -1, WEXITED | WNOHANG, &raw) }
            guard found == 1 else { return nil }
            let status = WaitStatus(rawValue: raw)
            reapedStatus = status
            return status
        }
    }

    /// Waits until it has exited, reaps it and returns how it ended. Blocks the calling thread.
    public func wait() throws(Errno) -> WaitStatus {
        while true {
            if let status = try tryWait() { return status }
            // Sleeps until it has exited without reaping it, so that the reaping (and the status every
            // other waiter is given) happens under the lock in tryWait.
            var raw: Int32 = 0
            do {
                _ = try retryingOnInterrupt { pk_wait_child(pid, pidDescriptor?.rawValue ?? -1, WEXITED | WNOWAIT, &raw) }
            } catch {
                if let status = reaped { return status }  // another thread reaped it meanwhile
                throw error
            }
        }
    }

    /// Waits until it has exited or `deadline` has passed: its status, or nil at the deadline (it is
    /// still running then).
    public func wait(until deadline: Deadline) throws(Errno) -> WaitStatus? {
        var watch = ExitWatch([self], deadline: deadline, teardown: nil)
        try watch.runBlocking()
        return watch.statuses[0]
    }

    /// Stops it with `teardown`'s steps (ending early once it has exited, SIGKILL after the last), and
    /// returns how it ended.
    @discardableResult
    public func tearDown(_ teardown: Teardown = .standard) throws(Errno) -> WaitStatus {
        var watch = ExitWatch.tearingDown([self], with: teardown)
        try watch.runBlocking()
        return watch.statuses[0]!
    }

    /// Sends `signal`; a child (or group) already gone is no error.
    func sendIgnoringGone(_ signal: Signal, toGroup: Bool) throws(Errno) {
        do { try send(signal, toGroup: toGroup) } catch {
            if error != .noSuchProcess { throw error }
        }
    }
}
