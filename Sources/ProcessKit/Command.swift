import CProcessKit

/// A program to start and how its process should begin life: arguments, environment, working
/// directory, process group, session, terminal, and its exact signal mask and dispositions.
///
/// ```swift
/// var command = Command("sh", arguments: ["-c", "exit 3"])
/// command.processGroup = .new
/// let child = try command.spawn()
/// let status = try Reaper.wait(for: child.pid)   // .exited(code: 3)
/// ```
public struct Command: Sendable {
    /// The program: a path if it contains a slash, otherwise a name looked up on PATH (like `execvp`).
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
    /// "NAME=value" entries; nil inherits this process's environment.
    public var environment: [String]?
    /// The directory the child starts in; nil keeps this process's.
    public var workingDirectory: String?
    /// The process group the child joins.
    public var processGroup: ProcessGroup = .inherit
    /// Start the child in a new session (`setsid`), detached from any controlling terminal.
    public var newSession = false
    /// When set, the child's process group becomes the foreground group of this terminal (if it is
    /// one; "not a terminal" is not an error), so it can read it and get ^C.
    public var foregroundTerminal: Int32?
    /// The signal the child gets when this process dies.
    public var parentDeathSignal: Signal?
    /// The signal mask the child starts with; nil keeps this thread's.
    public var signalMask: SignalSet?
    /// Signals set back to their default action in the child.
    public var defaultSignals = SignalSet()
    /// Signals the child starts ignoring (wins over ``defaultSignals``).
    public var ignoredSignals = SignalSet()

    /// Which process group a child joins.
    public enum ProcessGroup: Equatable, Sendable {
        /// This process's group.
        case inherit
        /// A new group, led by the child.
        case new
        /// An existing group.
        case join(Int32)
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

    /// Starts the program. Throws with the failing step and `errno` when the child could not be set
    /// up or the program could not be executed (the failed child is already reaped then).
    public func spawn() throws(SpawnError) -> ChildProcess {
        let candidates = Command.candidatePaths(for: programBytes, path: Command.environmentValue("PATH"))
        let cArguments = CStringArray(bytes: [argumentZero.map { Array($0.utf8) } ?? programBytes] + argumentBytes)
        let cCandidates = CStringArray(bytes: candidates)
        let cEnvironment = environment.map { CStringArray($0) }
        let cDirectory = workingDirectory.map { CStringArray([$0]) }
        var mask = (signalMask ?? SignalSet()).cValue
        var toDefault = defaultSignals.cValue
        var toIgnore = ignoredSignals.cValue
        var failedStep: Int32 = 0
        var error: Int32 = 0
        var failedChild: Int32 = 0
        let group: Int32
        switch processGroup {
        case .inherit: group = -1
        case .new: group = 0
        case .join(let leader): group = leader
        }
        let pid = withUnsafePointer(to: &mask) { maskPointer in
            withUnsafePointer(to: &toDefault) { defaultPointer in
                withUnsafePointer(to: &toIgnore) { ignorePointer in
                    var attributes = pk_spawn_attributes(
                        candidates: UnsafePointer(cCandidates.pointer),
                        argv: UnsafePointer(cArguments.pointer),
                        envp: cEnvironment.map { UnsafePointer($0.pointer) } ?? pk_environ(),
                        working_directory: cDirectory.flatMap { $0.pointer[0].map { UnsafePointer($0) } },
                        process_group: group,
                        new_session: newSession ? 1 : 0,
                        foreground_terminal: foregroundTerminal ?? -1,
                        parent_death_signal: parentDeathSignal?.rawValue ?? 0,
                        signal_mask: signalMask == nil ? nil : maskPointer,
                        default_signals: defaultPointer,
                        ignored_signals: ignorePointer)
                    return pk_spawn_reporting_failed_child(&attributes, &failedStep, &error, &failedChild)
                }
            }
        }
        guard pid > 0 else {
            throw SpawnError(program: program, step: SpawnError.Step(rawValue: failedStep) ?? .exec,
                             errno: Errno(rawValue: error), childPID: failedChild > 0 ? failedChild : nil)
        }
        return ChildProcess(pid: pid, processGroup: processGroup == .new ? pid : nil)
    }

    /// The paths `execvp` would try for `program`, in order, as bytes. `path` is read only for a bare
    /// name: a program given as a path needs no PATH lookup.
    static func candidatePaths(for program: [UInt8], path: @autoclosure () -> String?) -> [[UInt8]] {
        if program.contains(UInt8(ascii: "/")) || program.isEmpty { return [program] }
        let searchPath = path() ?? "/bin:/usr/bin"
        return searchPath.utf8.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false).map { directory in
            directory.isEmpty ? program : Array(directory) + [UInt8(ascii: "/")] + program
        }
    }

    /// An environment variable of this process.
    public static func environmentValue(_ name: String) -> String? {
        // withCString lends the string's own NUL-terminated bytes (or a stack copy of a small one);
        // passing `name` to getenv directly would build a heap C string on every lookup.
        guard let value = name.withCString({ getenv($0) }) else { return nil }
        return String(cString: value)
    }
}

/// A started child process.
public struct ChildProcess: Equatable, Sendable {
    /// Its pid.
    public let pid: Int32
    /// The group it leads, when it was started in a new one.
    public let processGroup: Int32?

    /// A child known by its pid, e.g. one started elsewhere; `processGroup` when it leads one.
    public init(pid: Int32, processGroup: Int32? = nil) {
        self.pid = pid
        self.processGroup = processGroup
    }

    /// Sends a signal to the child alone, or with `toGroup` to its whole process group.
    public func send(_ signal: Signal, toGroup: Bool = false) throws(Errno) {
        try signal.send(to: toGroup ? -pid : pid)
    }
}

/// NUL-terminated copies of strings in one NULL-terminated `char *[]`, freed when it goes away.
final class CStringArray {
    let pointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    let count: Int

    init(_ strings: [String]) {
        count = strings.count
        pointer = .allocate(capacity: count + 1)
        for (index, string) in strings.enumerated() { pointer[index] = strdup(string) }
        pointer[count] = nil
    }

    /// The same from raw bytes (each without a NUL), copied as they are.
    init(bytes strings: [[UInt8]]) {
        count = strings.count
        pointer = .allocate(capacity: count + 1)
        for (index, bytes) in strings.enumerated() {
            let copy = malloc(bytes.count + 1)!  // freed with free() in deinit, like strdup's copies
            bytes.withUnsafeBytes { source in
                if let base = source.baseAddress { copy.copyMemory(from: base, byteCount: bytes.count) }
            }
            copy.storeBytes(of: 0, toByteOffset: bytes.count, as: UInt8.self)
            pointer[index] = copy.assumingMemoryBound(to: CChar.self)
        }
        pointer[count] = nil
    }

    deinit {
        for index in 0..<count { free(pointer[index]) }
        pointer.deallocate()
    }
}
