import CProcessKit

/// A program to start and how its process begins life: arguments, environment, working directory,
/// standard streams and other fds, process group, session, terminal, signal mask and dispositions,
/// user and groups, resource limits and umask.
///
/// Children start clean unless asked otherwise: only fds 0-2 (and ``inheritedFileDescriptors``) reach
/// them, their signal mask is empty and every signal is at its default action, whatever the thread
/// that starts them had.
///
/// A process that ignores SIGCHLD (or set `SA_NOCLDWAIT`) has its children reaped by the kernel, and
/// their status is lost. So, as GNU timeout does, every start first sets SIGCHLD back to its default
/// action in this process (or clears `SA_NOCLDWAIT`, keeping the handler): waits get the real status.
/// Set to ignored again while a child runs, the kernel reaps that child, and its wait throws
/// ``Errno/noChildProcess`` (ECHILD) instead of hanging.
///
/// ```swift
/// let result = try Command("git", arguments: ["--version"]).run()
/// print(result.standardOutputText)           // captured, as is standard error
///
/// var command = Command("sh", arguments: ["-c", "exit 3"])
/// command.processGroup = .new
/// let child = try command.spawn()            // standard streams inherited
/// let status = try child.wait()              // .exited(code: 3)
/// ```
public struct Command: Sendable {
    /// The program: a path if it contains a slash, otherwise a name looked up on PATH (like `execvp`),
    /// the PATH of the child's ``environment`` (this process's unless that changes it).
    /// Bytes that are not UTF-8 read as U+FFFD here; ``programBytes`` holds them exactly.
    public var program: String {
        get { String(decoding: programBytes, as: UTF8.self) }
        set { programBytes = Array(newValue.utf8) }
    }
    /// Arguments after argv[0]; like ``program``, a view of ``argumentBytes``.
    public var arguments: [String] {
        get { argumentBytes.map { String(decoding: $0, as: UTF8.self) } }
        set { argumentBytes = newValue.map { Array($0.utf8) } }
    }
    /// The program's path or name as bytes, exactly as exec gets it (need not be UTF-8; no NUL).
    public var programBytes: [UInt8]
    /// The arguments after argv[0] as bytes, exactly as the child gets them (need not be UTF-8; no NUL).
    public var argumentBytes: [[UInt8]]
    /// argv[0]; the program as given when nil.
    public var argumentZero: String?
    /// The child's environment: this process's own by default (read when the child starts), or a
    /// changed or given one (``Environment``). An array literal of "NAME=value" entries works too.
    public var environment: Environment = .inherit
    /// The directory the child starts in; nil keeps this process's.
    public var workingDirectory: String?
    /// The process group the child joins: this process's (the default) or a new one that it leads, which
    /// ``Teardown/signalsProcessGroup`` and a terminal's foreground need.
    public var processGroup: ProcessGroup = .inherit
    /// Start the child in a new session (`setsid`), detached from any controlling terminal.
    public var newSession = false
    /// When set, the child's process group becomes the foreground group of this terminal (if it is
    /// one; "not a terminal" is not an error), so it can read it and get ^C. The child takes the
    /// terminal with SIGTTOU blocked, so this works whatever this process does with SIGTTOU.
    public var foregroundTerminal: Int32?
    /// The signal the child gets when this process dies.
    public var parentDeathSignal: Signal?
    /// The signal mask the child starts with: empty by default; ``SignalSetting/inherit`` for the mask
    /// of the thread that calls ``spawn()``.
    public var signalMask: SignalSetting = []
    /// The signals the child starts ignoring; every other signal starts at its default action. None by
    /// default; ``SignalSetting/inherit`` keeps those this process ignores ignored (never SIGCHLD, which
    /// a start sets back to its default action in this process first).
    public var ignoredSignals: SignalSetting = []
    /// Signals set to their default action even when ``ignoredSignals`` is ``SignalSetting/inherit``
    /// (an explicit set in ``ignoredSignals`` wins over this).
    public var defaultSignals = SignalSet()
    /// Where fd 0 comes from. nil: inherited by ``spawn()``; `/dev/null` for ``run(input:timeout:teardown:readingUntil:)-1yk49``
    /// unless it is given input.
    public var standardInput: StandardInput?
    /// Where fd 1 goes. nil: inherited by ``spawn()``, captured (``StandardOutput/capture(limit:)``)
    /// by ``run(input:timeout:teardown:readingUntil:)-1yk49``.
    public var standardOutput: StandardOutput?
    /// Where fd 2 goes. nil: inherited by ``spawn()``, captured by ``run(input:timeout:teardown:readingUntil:)-1yk49``.
    public var standardError: StandardOutput?
    /// fds of this process that the child gets under the same numbers; every other fd above 2 is closed
    /// in the child, close-on-exec or not. (0-2 are set with ``standardInput``, ``standardOutput`` and
    /// ``standardError``; listing them here changes nothing.)
    public var inheritedFileDescriptors: [FileDescriptor] = []
    /// Pass on every fd that is not close-on-exec, as plain fork and exec do (what an init such as tini
    /// does, for fds its own parent handed it); ``inheritedFileDescriptors`` is then not needed.
    public var inheritsAllFileDescriptors = false
    /// The user id the child runs as (`setuid`, its real, effective and saved ids); nil keeps this
    /// process's. Set last of the identity: the supplementary groups (`setgroups`), then ``groupID``
    /// (`setgid`), then this, since once it is dropped the others may no longer change. Without
    /// ``supplementaryGroups`` the child gets none where this process may change them (a root
    /// parent's groups would otherwise stay with the child it drops). ``workingDirectory`` is entered
    /// after the drop, as the child's user; ``parentDeathSignal`` is set after it too (the kernel
    /// clears it when the ids change).
    ///
    /// ```swift
    /// var command = Command("postgres", arguments: ["-D", "/var/lib/postgresql/data"])
    /// command.userID = 101
    /// command.groupID = 104
    /// command.supplementaryGroups = [103]
    /// command.environment.set("HOME", to: "/var/lib/postgresql")
    /// ```
    public var userID: UInt32?
    /// The group id the child runs as (`setgid`, its real, effective and saved ids); nil keeps this process's.
    public var groupID: UInt32?
    /// The child's supplementary groups (`setgroups`): exactly these, none for `[]`. nil keeps this
    /// process's, except with ``userID`` set (see there).
    public var supplementaryGroups: [UInt32]?
    /// Limits set in the child (`setrlimit`, one call each, in this order), before it drops to
    /// ``userID``; the others stay as this process has them.
    public var resourceLimits: [ResourceLimit] = []
    /// The child's file mode creation mask (`umask`), such as 0o027 (only its permission bits, 0o777,
    /// count); nil keeps this process's.
    public var umask: UInt32?

    /// Which process group a child joins.
    public enum ProcessGroup: Equatable, Sendable {
        /// This process's group.
        case inherit
        /// A new group, led by the child.
        case new
        /// An existing group.
        case join(Int32)
    }

    /// A signal mask or set of ignored signals for the child: taken from this process, or exactly
    /// the set given. An array literal of signals is ``exactly(_:)``.
    public enum SignalSetting: Equatable, Sendable, ExpressibleByArrayLiteral {
        /// As this process has it: the calling thread's signal mask, or the signals this process ignores.
        case inherit
        /// Exactly these signals.
        case exactly(SignalSet)

        /// Exactly these signals: `command.signalMask = [.user1]`, `command.signalMask = []`.
        public init(arrayLiteral signals: Signal...) { self = .exactly(SignalSet(signals)) }
    }

    /// A command for `program` (a path, or a name looked up on PATH) with its `arguments` (argv[1...]).
    public init(_ program: String, arguments: [String] = []) {
        programBytes = Array(program.utf8)
        argumentBytes = arguments.map { Array($0.utf8) }
    }

    /// A command from raw bytes, for a program and arguments passed on unchanged from this process's
    /// own command line (``Arguments/currentBytes``), which need not be UTF-8.
    public init(bytes program: [UInt8], arguments: [[UInt8]] = []) {
        programBytes = program
        argumentBytes = arguments
    }

    /// Starts the program with the standard streams as set (inherited where nil). Throws with the
    /// failing step and `errno` when the input is unusable, the child could not be set up or the
    /// program could not be executed (a failed child is already reaped then). The caller is then
    /// responsible for waiting for the child (``ChildProcess/wait()``, ``ChildProcess/tearDown(_:)-8fyqs``),
    /// or it stays a zombie; the scoped `run { child in ... }` does that itself.
    public func spawn() throws(SpawnError) -> ChildProcess {
        try start(input: standardInput ?? .inherit, output: standardOutput ?? .inherit, error: standardError ?? .inherit)
    }

    /// An environment variable of this process.
    public static func environmentValue(_ name: String) -> String? {
        // withCString lends the string's own NUL-terminated bytes (or a stack copy of a small one);
        // passing `name` to getenv directly would build a heap C string on every lookup.
        guard let value = name.withCString({ getenv($0) }) else { return nil }
        return String(cString: value)
    }
}
