import Foundation
import Testing
import TestSupport

/// A starting state with signals blocked and ignored, for what a launcher hands on to its child: a
/// python3 sets them, prints its own `SigBlk` and `SigIgn` lines, and execs the launcher, whose child
/// prints its own with `cat` (not grep, which installs a SIGSEGV handler of its own).
enum InheritedSignals {
    /// The caller's and the child's `SigBlk` and `SigIgn` values (hexadecimal, as /proc shows them).
    struct Seen {
        var caller: [String]
        var child: [String]
        var run: ProgramRun
    }

    /// Runs `launcher + ["cat", "/proc/self/status"]` from a caller that ignores `ignoring` and blocks
    /// `blocking`: signal names without SIG (`SEGV`, `RTMIN+2`).
    static func run(
        _ launcher: [String], ignoring: [String], blocking: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Seen {
        let python = try #require(Harness.python3, "needs python3", sourceLocation: sourceLocation)
        let code = """
            import os, signal, sys
            def number(name):
                return signal.SIGRTMIN + int(name[6:]) if name.startswith('RTMIN+') else getattr(signal, 'SIG' + name)
            for s in sys.argv[1].split(','):
                if s: signal.signal(number(s), signal.SIG_IGN)
            signal.pthread_sigmask(signal.SIG_SETMASK, [number(s) for s in sys.argv[2].split(',') if s])
            with open('/proc/self/status') as status:
                sys.stdout.write(''.join(line for line in status if line.startswith(('SigBlk:', 'SigIgn:'))))
            sys.stdout.flush()
            os.execv(sys.argv[3], sys.argv[3:])
            """
        let arguments =
            ["-c", code, ignoring.joined(separator: ","), blocking.joined(separator: ",")]
            + launcher + ["/bin/cat", "/proc/self/status"]
        let result = try Harness.run(python, arguments, sourceLocation: sourceLocation)
        let values = result.stdout.split(separator: "\n")
            .filter { $0.hasPrefix("SigBlk:") || $0.hasPrefix("SigIgn:") }
            .map { $0.split(separator: "\t").last.map(String.init) ?? "" }
        return Seen(caller: Array(values.prefix(2)), child: Array(values.dropFirst(2)), run: result)
    }

    /// Ignored by the caller in the tests: the synchronous faults, SIGCHLD, a terminal signal, a
    /// real-time one and two plain ones.
    static let ignored = ["SEGV", "BUS", "FPE", "ILL", "ABRT", "TRAP", "SYS", "CHLD", "TTIN", "USR2", "HUP", "RTMIN+2"]
    /// Blocked by the caller in the tests: a fault, signals the launchers wait for, a real-time one.
    static let blocked = ["SEGV", "USR1", "ALRM", "TERM", "RTMIN+3"]
}
