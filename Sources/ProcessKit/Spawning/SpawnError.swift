import CProcessKit

/// Why a command could not be started or run: the step that failed and the `errno` it failed with.
/// The C side's steps (``Step/fork`` to ``Step/childStack``) start the child or run in it before
/// exec; the others check the input before any child exists, or (``Step/communication``, ``Step/wait``)
/// fail after it started, once it has been stopped and reaped. No step leaves a child behind.
public struct SpawnError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The program that was to be started, as the command named it.
    public let program: String
    /// The step that failed.
    public let step: Step
    /// The error the step failed with.
    public let errno: Errno
    /// The pid of the child that failed (already reaped); nil when no child was started.
    public var childPID: Int32? = nil
    /// What exactly was wrong, naming the argument, variable, stream, path or fd: "argument 2 contains
    /// a NUL byte", "standard output: fd 57 is not open". nil when the step and errno say it all.
    public var detail: String? = nil

    /// The steps from checking the command to exec, and after. The child's steps are numbered by the C
    /// side, which reports the one that failed.
    public struct Step: RawRepresentable, Hashable, Sendable {
        /// The step's number, as the C side reports it.
        public let rawValue: Int32
        /// The step numbered `rawValue`.
        public init(rawValue: Int32) { self.rawValue = rawValue }

        /// Creating the child (`clone`).
        public static let fork = Step(rawValue: PK_SPAWN_STEP_FORK)
        /// Starting a new session in the child (`setsid`).
        public static let session = Step(rawValue: PK_SPAWN_STEP_SESSION)
        /// Putting the child in its new process group (`setpgid`).
        public static let processGroup = Step(rawValue: PK_SPAWN_STEP_PROCESS_GROUP)
        /// Making the child's group the terminal's foreground group (`tcsetpgrp`).
        public static let foreground = Step(rawValue: PK_SPAWN_STEP_FOREGROUND)
        /// Setting the child's parent death signal (`prctl(PR_SET_PDEATHSIG)`).
        public static let parentDeathSignal = Step(rawValue: PK_SPAWN_STEP_PARENT_DEATH_SIGNAL)
        /// Setting the child's signal mask and dispositions.
        public static let signals = Step(rawValue: PK_SPAWN_STEP_SIGNALS)
        /// Changing to the working directory (`chdir`).
        public static let workingDirectory = Step(rawValue: PK_SPAWN_STEP_WORKING_DIRECTORY)
        /// Running the program (`execve`): 127 for not found, 126 for not executable.
        public static let exec = Step(rawValue: PK_SPAWN_STEP_EXEC)
        /// Putting the standard streams and passed fds in place in the child, or checking them before.
        public static let fileDescriptors = Step(rawValue: PK_SPAWN_STEP_FILE_DESCRIPTORS)
        /// Setting a resource limit in the child (`setrlimit`): EINVAL for a soft limit above the hard
        /// one, EPERM for raising a hard limit without the privilege.
        public static let resourceLimits = Step(rawValue: PK_SPAWN_STEP_RESOURCE_LIMITS)
        /// Setting the child's supplementary groups (`setgroups`).
        public static let groups = Step(rawValue: PK_SPAWN_STEP_GROUPS)
        /// Setting the child's group id (`setgid`).
        public static let groupID = Step(rawValue: PK_SPAWN_STEP_GROUP_ID)
        /// Setting the child's user id (`setuid`).
        public static let userID = Step(rawValue: PK_SPAWN_STEP_USER_ID)
        /// Creating the pipe a forked child reports a failure through, before the fork (sanitized
        /// builds fork; a full fd table fails here, not in fork).
        public static let reportPipe = Step(rawValue: PK_SPAWN_STEP_REPORT_PIPE)
        /// Allocating the stack of the child, which shares this process's memory until it execs, before the clone.
        public static let childStack = Step(rawValue: PK_SPAWN_STEP_CHILD_STACK)
        /// The program name is unusable (it contains a NUL byte).
        public static let program = Step(rawValue: 100)
        /// An argument is unusable (it contains a NUL byte).
        public static let arguments = Step(rawValue: 101)
        /// An environment entry is unusable (a NUL byte, or a name with "=").
        public static let environment = Step(rawValue: 102)
        /// Standard input could not be set up (a file that will not open, an fd that is not open).
        public static let standardInput = Step(rawValue: 103)
        /// Standard output could not be set up (also: a capture limit below 1).
        public static let standardOutput = Step(rawValue: 104)
        /// Standard error could not be set up.
        public static let standardError = Step(rawValue: 105)
        /// Feeding input or reading output failed after the child started.
        public static let communication = Step(rawValue: 106)
        /// Waiting for the child failed after it started.
        public static let wait = Step(rawValue: 107)
    }

    /// The exit code a shell gives for this failure: 127 when the program was not found, 126 when it
    /// was found but could not be executed (a directory, no permission), 1 when no child could be set up.
    public var shellExitCode: Int32 {
        guard step == .exec else { return 1 }
        return errno == .noSuchFile || errno == .notDirectory ? 127 : 126
    }

    /// One line naming the program, what failed and why.
    public var description: String {
        // Up to a NUL byte, should the name have one: the line stays one line of text.
        let shown = program.withCString { String(cString: $0) }
        if let detail { return "cannot start " + shown + ": " + detail }
        switch step {
        case .exec: return "exec " + shown + " failed: " + errno.description
        case .communication, .wait: return shown + ": " + step.failure + ": " + errno.description
        default: return "cannot start " + shown + ": " + step.failure + ": " + errno.description
        }
    }
}

extension SpawnError.Step {
    /// What failed, for ``SpawnError/description``.
    var failure: String {
        switch self {
        case .fork: return "fork failed"
        case .session: return "setsid failed"
        case .processGroup: return "setpgid failed"
        case .foreground: return "tcsetpgrp failed"
        case .parentDeathSignal: return "prctl(PR_SET_PDEATHSIG) failed"
        case .signals: return "setting signal mask or dispositions failed"
        case .workingDirectory: return "chdir failed"
        case .exec: return "exec failed"
        case .fileDescriptors: return "setting up its file descriptors failed"
        case .resourceLimits: return "setrlimit failed"
        case .groups: return "setgroups failed"
        case .groupID: return "setgid failed"
        case .userID: return "setuid failed"
        case .reportPipe: return "creating the pipe it reports a failed start through failed"
        case .childStack: return "allocating its stack failed"
        case .program: return "the program name is not usable"
        case .arguments: return "an argument is not usable"
        case .environment: return "the environment is not usable"
        case .standardInput: return "standard input"
        case .standardOutput: return "standard output"
        case .standardError: return "standard error"
        case .communication: return "feeding its input or reading its output failed"
        case .wait: return "waiting for it failed"
        default: return "step " + String(rawValue) + " failed"
        }
    }
}
