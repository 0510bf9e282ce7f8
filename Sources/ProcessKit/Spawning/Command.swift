import CProcessKit

/// A program to start and how its process begins life: arguments, environment, working directory,
/// standard streams and other fds, process group, session, terminal, signal mask and dispositions.
///
/// Children start clean unless asked otherwise: only fds 0-2 (and ``inheritedFileDescriptors``) reach
/// them, their signal mask is empty and every signal is at its default action, whatever the thread
/// that starts them had.
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
    /// default; ``SignalSetting/inherit`` keeps those this process ignores ignored.
    public var ignoredSignals: SignalSetting = []
    /// Signals set to their default action even when ``ignoredSignals`` is ``SignalSetting/inherit``
    /// (an explicit set in ``ignoredSignals`` wins over this).
    public var defaultSignals = SignalSet()
    /// Where fd 0 comes from. nil: inherited by ``spawn()``; `/dev/null` for ``run(input:timeout:teardown:)-3dtr1``
    /// unless it is given input.
    public var standardInput: StandardInput?
    /// Where fd 1 goes. nil: inherited by ``spawn()``, captured (``StandardOutput/capture(limit:)``)
    /// by ``run(input:timeout:teardown:)-3dtr1``.
    public var standardOutput: StandardOutput?
    /// Where fd 2 goes. nil: inherited by ``spawn()``, captured by ``run(input:timeout:teardown:)-3dtr1``.
    public var standardError: StandardOutput?
    /// fds of this process that the child gets under the same numbers; every other fd above 2 is closed
    /// in the child, close-on-exec or not. (0-2 are set with ``standardInput``, ``standardOutput`` and
    /// ``standardError``; listing them here changes nothing.)
    public var inheritedFileDescriptors: [FileDescriptor] = []
    /// Pass on every fd that is not close-on-exec, as plain fork and exec do (what an init such as tini
    /// does, for fds its own parent handed it); ``inheritedFileDescriptors`` is then not needed.
    public var inheritsAllFileDescriptors = false

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
    /// program could not be executed (a failed child is already reaped then).
    public func spawn() throws(SpawnError) -> ChildProcess {
        try start(input: standardInput ?? .inherit, output: standardOutput ?? .inherit, error: standardError ?? .inherit)
    }

    /// Runs the program to its end: feeds it `input` (or what ``standardInput`` says, `/dev/null` when
    /// neither is set), captures its standard output and error (unless they are set to go elsewhere)
    /// and returns them with its status. Past `timeout` seconds the child is stopped with `teardown`
    /// and the result says ``RunResult/timedOut``. A ``StandardOutput/pipe`` is captured here (nobody
    /// else could read it), and a ``StandardInput/pipe`` is closed at once (nobody else could write it).
    public func run(input: [UInt8]? = nil, timeout: Double? = nil, teardown: Teardown = .standard) throws(SpawnError) -> RunResult {
        try startForRun(input: input).collect(until: timeout.map { Deadline.after(seconds: $0) }, teardown: teardown)
    }

    /// Starts the child as the sync and the async `run` both want it: `input`, else the standard input
    /// setting (no bytes for a pipe, `/dev/null` when unset); both outputs captured unless set otherwise.
    func startForRun(input: [UInt8]?) throws(SpawnError) -> ChildProcess {
        try start(input: Command.forRun(input.map { .bytes($0) } ?? standardInput ?? .null),
                  output: Command.forRun(standardOutput), error: Command.forRun(standardError))
    }

    /// A standard input setting as ``run(input:timeout:teardown:)`` uses it: a pipe gets no bytes.
    static func forRun(_ input: StandardInput) -> StandardInput { input == .pipe ? .bytes([]) : input }

    /// An output setting as ``run(input:timeout:teardown:)`` uses it: unset or a pipe is captured.
    static func forRun(_ output: StandardOutput?) -> StandardOutput {
        guard let output, output != .pipe else { return .capture() }
        return output
    }

    /// ``run(input:timeout:teardown:)`` with the input as UTF-8 text.
    public func run(input: String, timeout: Double? = nil, teardown: Teardown = .standard) throws(SpawnError) -> RunResult {
        try run(input: Array(input.utf8), timeout: timeout, teardown: teardown)
    }

    /// An environment variable of this process.
    public static func environmentValue(_ name: String) -> String? {
        // withCString lends the string's own NUL-terminated bytes (or a stack copy of a small one);
        // passing `name` to getenv directly would build a heap C string on every lookup.
        guard let value = name.withCString({ getenv($0) }) else { return nil }
        return String(cString: value)
    }
}
