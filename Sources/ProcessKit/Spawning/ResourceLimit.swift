import CProcessKit

/// A limit on what the child may use (`setrlimit`), set in the child before it execs: the soft limit
/// is the one the kernel enforces, the hard limit the ceiling up to which the child may raise it.
/// Only a privileged process (root) may raise a hard limit; the child sets its limits before it
/// drops to ``Command/userID``, so a root parent can raise them for a child it drops.
///
/// ```swift
/// var command = Command("server")
/// command.resourceLimits = [ResourceLimit(.openFiles, soft: 1024, hard: 4096),
///                           ResourceLimit(.coreFileSize, 0)]
/// ```
public struct ResourceLimit: Equatable, Sendable {
    /// What is limited.
    public var resource: Resource
    /// The limit the kernel enforces (`rlim_cur`); ``unlimited`` for none.
    public var soft: UInt64
    /// The ceiling of the soft limit (`rlim_max`); ``unlimited`` for none. Never below ``soft``.
    public var hard: UInt64

    /// No limit (`RLIM_INFINITY`).
    public static let unlimited = UInt64.max

    /// A soft and a hard limit.
    public init(_ resource: Resource, soft: UInt64, hard: UInt64) {
        self.resource = resource
        self.soft = soft
        self.hard = hard
    }

    /// The same value as soft and hard limit.
    public init(_ resource: Resource, _ limit: UInt64) { self.init(resource, soft: limit, hard: limit) }

    /// A resource the kernel limits, by its `RLIMIT_*` number.
    public struct Resource: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The `RLIMIT_*` number.
        public let rawValue: Int32
        /// The resource with this `RLIMIT_*` number (one this type does not name works too).
        public init(rawValue: Int32) { self.rawValue = rawValue }

        /// CPU time in seconds (`RLIMIT_CPU`): SIGXCPU at the soft limit, SIGKILL at the hard one.
        public static let cpuTime = Resource(rawValue: PK_RLIMIT_CPU)
        /// The largest file the process may write, in bytes (`RLIMIT_FSIZE`).
        public static let fileSize = Resource(rawValue: PK_RLIMIT_FSIZE)
        /// The data segment and heap, in bytes (`RLIMIT_DATA`).
        public static let dataSize = Resource(rawValue: PK_RLIMIT_DATA)
        /// The main thread's stack, in bytes (`RLIMIT_STACK`).
        public static let stackSize = Resource(rawValue: PK_RLIMIT_STACK)
        /// Core dumps, in bytes (`RLIMIT_CORE`): 0 writes none.
        public static let coreFileSize = Resource(rawValue: PK_RLIMIT_CORE)
        /// Processes and threads of the child's real user (`RLIMIT_NPROC`); root is not bound by it.
        public static let processes = Resource(rawValue: PK_RLIMIT_NPROC)
        /// One more than the highest fd number the process may open (`RLIMIT_NOFILE`).
        public static let openFiles = Resource(rawValue: PK_RLIMIT_NOFILE)
        /// Memory locked in RAM, in bytes (`RLIMIT_MEMLOCK`).
        public static let lockedMemory = Resource(rawValue: PK_RLIMIT_MEMLOCK)
        /// Virtual address space, in bytes (`RLIMIT_AS`).
        public static let addressSpace = Resource(rawValue: PK_RLIMIT_AS)
        /// File locks (`RLIMIT_LOCKS`).
        public static let fileLocks = Resource(rawValue: PK_RLIMIT_LOCKS)
        /// Signals queued for the child's real user (`RLIMIT_SIGPENDING`).
        public static let pendingSignals = Resource(rawValue: PK_RLIMIT_SIGPENDING)
        /// Bytes in POSIX message queues (`RLIMIT_MSGQUEUE`).
        public static let messageQueueBytes = Resource(rawValue: PK_RLIMIT_MSGQUEUE)
        /// The ceiling of the nice value, as 20 - nice (`RLIMIT_NICE`).
        public static let niceCeiling = Resource(rawValue: PK_RLIMIT_NICE)
        /// The ceiling of the real-time priority (`RLIMIT_RTPRIO`).
        public static let realTimePriority = Resource(rawValue: PK_RLIMIT_RTPRIO)
        /// CPU time under a real-time policy without a blocking call, in microseconds (`RLIMIT_RTTIME`).
        public static let realTimeCPUTime = Resource(rawValue: PK_RLIMIT_RTTIME)

        /// The C name, "RLIMIT_NOFILE"; "resource N" for a number without one here.
        public var description: String {
            switch self {
            case .cpuTime: return "RLIMIT_CPU"
            case .fileSize: return "RLIMIT_FSIZE"
            case .dataSize: return "RLIMIT_DATA"
            case .stackSize: return "RLIMIT_STACK"
            case .coreFileSize: return "RLIMIT_CORE"
            case .processes: return "RLIMIT_NPROC"
            case .openFiles: return "RLIMIT_NOFILE"
            case .lockedMemory: return "RLIMIT_MEMLOCK"
            case .addressSpace: return "RLIMIT_AS"
            case .fileLocks: return "RLIMIT_LOCKS"
            case .pendingSignals: return "RLIMIT_SIGPENDING"
            case .messageQueueBytes: return "RLIMIT_MSGQUEUE"
            case .niceCeiling: return "RLIMIT_NICE"
            case .realTimePriority: return "RLIMIT_RTPRIO"
            case .realTimeCPUTime: return "RLIMIT_RTTIME"
            default: return "resource " + String(rawValue)
            }
        }
    }
}
