import CProcessKit

/// A Linux signal number, 1 through 64, with its canonical name ("SIGTERM", "SIGRTMIN+3").
///
/// Parse a user's text with ``init(parsing:)``: `SIGTERM`, `TERM`, `term` and `15` all name
/// the same signal.
public struct Signal: Hashable, Sendable, CustomStringConvertible {
    /// The signal number, as the kernel counts them (15 for SIGTERM).
    public let rawValue: Int32

    /// The highest signal number Linux has.
    public static let highest: Int32 = 64

    /// A signal for a number in 1...64, nil for anything else.
    public init?(rawValue: Int32) {
        guard rawValue >= 1, rawValue <= Signal.highest else { return nil }
        self.rawValue = rawValue
    }

    init(_ known: Int32) { rawValue = known }

    /// SIGHUP: the controlling terminal hung up; daemons read it as "reload your configuration".
    public static let hangup = Signal(SIGHUP)
    /// SIGINT: ^C at a terminal.
    public static let interrupt = Signal(SIGINT)
    /// SIGQUIT: ^\ at a terminal; ends the process with a core dump by default (nginx: graceful stop).
    public static let quit = Signal(SIGQUIT)
    /// SIGILL: the process executed an illegal instruction (a fault signal).
    public static let illegalInstruction = Signal(SIGILL)
    /// SIGTRAP: a breakpoint or trace trap (a fault signal).
    public static let trap = Signal(SIGTRAP)
    /// SIGABRT: `abort()`, e.g. a failed assertion.
    public static let abort = Signal(SIGABRT)
    /// SIGBUS: a bad memory access, such as past the end of a mapped file (a fault signal).
    public static let busError = Signal(SIGBUS)
    /// SIGFPE: an arithmetic fault, such as an integer division by zero.
    public static let floatingPointException = Signal(SIGFPE)
    /// SIGKILL: ends the process at once; it cannot be caught, blocked or ignored.
    public static let kill = Signal(SIGKILL)
    /// SIGUSR1: no meaning of its own; programs give it one.
    public static let user1 = Signal(SIGUSR1)
    /// SIGSEGV: an invalid memory access (a fault signal).
    public static let segmentationFault = Signal(SIGSEGV)
    /// SIGUSR2: no meaning of its own; programs give it one.
    public static let user2 = Signal(SIGUSR2)
    /// SIGPIPE: a write to a pipe or socket whose reading end is closed.
    public static let brokenPipe = Signal(SIGPIPE)
    /// SIGALRM: a timer set with `alarm()` or `setitimer()` expired.
    public static let alarm = Signal(SIGALRM)
    /// SIGTERM: the polite request to stop that `kill`, `docker stop` and the kubelet send.
    public static let terminate = Signal(SIGTERM)
    /// SIGCHLD: a child ended, stopped or continued.
    public static let child = Signal(SIGCHLD)
    /// SIGCONT: continue a stopped process.
    public static let `continue` = Signal(SIGCONT)
    /// SIGSTOP: stop the process; it cannot be caught, blocked or ignored.
    public static let stop = Signal(SIGSTOP)
    /// SIGTSTP: ^Z at a terminal; Sidekiq reads it as "stop taking new jobs".
    public static let terminalStop = Signal(SIGTSTP)
    /// SIGTTIN: a background process read from its terminal.
    public static let terminalInput = Signal(SIGTTIN)
    /// SIGTTOU: a background process wrote to its terminal (with `stty tostop`) or changed its settings.
    public static let terminalOutput = Signal(SIGTTOU)
    /// SIGWINCH: the terminal's window size changed.
    public static let windowChange = Signal(SIGWINCH)
    /// SIGSYS: a bad system call, or one a seccomp filter refused (a fault signal).
    public static let badSystemCall = Signal(SIGSYS)

    /// The first real-time signal, SIGRTMIN, numbered as glibc does (34) on every C library: the names
    /// SIGRTMIN+n in messages and options then mean the same signals as in tini and `kill -l`.
    public static var realtimeMinimum: Signal { Signal(pk_sigrtmin()) }
    /// The last real-time signal the C library leaves to programs (SIGRTMAX).
    public static var realtimeMaximum: Signal { Signal(pk_sigrtmax()) }

    /// True for SIGRTMIN...SIGRTMAX.
    public var isRealtime: Bool { rawValue >= pk_sigrtmin() && rawValue <= pk_sigrtmax() }

    /// Every signal number 1...64.
    public static var all: [Signal] { (1...highest).map { Signal($0) } }

    /// Standard names of signals 1...31, indexed by number (Linux x86-64, arm64, riscv).
    static let standardNames: [String] = [
        "", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE",
        "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ",
        "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS",
    ]

    /// Other names accepted when parsing.
    static let aliases: [(name: String, number: Int32)] = [("IOT", 6), ("CLD", 17), ("POLL", 29), ("UNUSED", 31)]

    /// The canonical name: "SIGTERM", "SIGRTMIN", "SIGRTMIN+1" ... "SIGRTMAX-1", "SIGRTMAX", or "SIG32"
    /// for a number the C library keeps for itself.
    public var name: String {
        if Int(rawValue) < Signal.standardNames.count { return "SIG" + Signal.standardNames[Int(rawValue)] }
        let minimum = pk_sigrtmin(), maximum = pk_sigrtmax()
        guard rawValue >= minimum, rawValue <= maximum else { return "SIG\(rawValue)" }
        if rawValue == minimum { return "SIGRTMIN" }
        if rawValue == maximum { return "SIGRTMAX" }
        // Like bash's `kill -l`: the lower half counts up from RTMIN, the upper half down from RTMAX.
        if rawValue - minimum <= (maximum - minimum) / 2 { return "SIGRTMIN+\(rawValue - minimum)" }
        return "SIGRTMAX-\(maximum - rawValue)"
    }

    /// The signal's ``name``, as `print` shows it.
    public var description: String { name }

    /// Parses a signal given by name or number: `SIGTERM`, `TERM`, `term`, `15`, `SIGRTMIN+2`, `RTMAX-1`.
    public init(parsing text: String) throws(SignalParseError) {
        guard let signal = Signal.named(ASCII.uppercased(text)) else { throw SignalParseError(input: text) }
        self = signal
    }

    /// The signal an uppercased name or number names, nil for none.
    static func named(_ upper: String) -> Signal? {
        if let number = ASCII.decimal(upper.utf8) { return Signal(rawValue: number) }
        let withoutSIG = ASCII.text(upper, after: "SIG")
        let bare = withoutSIG ?? upper
        // "SIG32": the name ``name`` gives a number the C library keeps for itself.
        if withoutSIG != nil, let number = ASCII.decimal(bare.utf8) { return Signal(rawValue: number) }
        if let index = Signal.standardNames.firstIndex(where: { ASCII.equal($0, bare) }), index > 0 {
            return Signal(Int32(index))
        }
        for alias in Signal.aliases where ASCII.equal(alias.name, bare) { return Signal(alias.number) }
        return Signal.parseRealtime(bare)
    }

    /// "RTMIN", "RTMIN+N", "RTMAX", "RTMAX-N" within the real-time range.
    static func parseRealtime(_ bare: String) -> Signal? {
        let minimum = pk_sigrtmin(), maximum = pk_sigrtmax()
        let number: Int32
        if ASCII.equal(bare, "RTMIN") {
            number = minimum
        } else if ASCII.equal(bare, "RTMAX") {
            number = maximum
        } else if let offset = ASCII.text(bare, after: "RTMIN+").flatMap({ ASCII.decimal($0.utf8) }) {
            number = minimum + offset
        } else if let offset = ASCII.text(bare, after: "RTMAX-").flatMap({ ASCII.decimal($0.utf8) }) {
            number = maximum - offset
        } else {
            return nil
        }
        guard number >= minimum, number <= maximum else { return nil }
        return Signal(number)
    }

    /// Sends this signal to a process (pid > 0), a process group (pid < 0), or with pid -1 to every
    /// process the caller may signal.
    public func send(to pid: Int32) throws(Errno) {
        if CProcessKit.kill(pid, rawValue) != 0 { throw Errno.current }
    }

    /// What this process does on receipt: the default action, ignore, or a handler.
    public var disposition: SignalDisposition {
        SignalDisposition(rawValue: pk_signal_disposition(rawValue)) ?? .handled
    }

    /// Sets this process's disposition to the default action or to ignore.
    public func setDisposition(_ disposition: SignalDisposition) throws(Errno) {
        precondition(disposition != .handled, "ProcessKit installs no signal handlers; wait for signals instead")
        if pk_set_signal_disposition(rawValue, disposition.rawValue) != 0 { throw Errno.current }
    }
}
