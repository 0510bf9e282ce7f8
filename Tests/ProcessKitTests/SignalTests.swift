import CProcessKit
import Testing
@testable import ProcessKit

@Suite struct SignalTests {
    @Test func parsesNamesAndNumbers() throws {
        for text in ["SIGTERM", "TERM", "term", "15", "SigTerm", "sigterm"] {
            #expect(try Signal(parsing: text) == .terminate, "\(text)")
        }
        #expect(try Signal(parsing: "SIGKILL") == .kill)
        #expect(try Signal(parsing: "usr1") == .user1)
        #expect(try Signal(parsing: "SIGUSR2") == .user2)
        #expect(try Signal(parsing: "hup") == .hangup)
        #expect(try Signal(parsing: "1") == .hangup)
        #expect(try Signal(parsing: "64").rawValue == 64)
        #expect(try Signal(parsing: "SIGWINCH") == .windowChange)
    }

    @Test func parsesAliases() throws {
        #expect(try Signal(parsing: "SIGIOT") == .abort)
        #expect(try Signal(parsing: "cld") == .child)
        #expect(try Signal(parsing: "POLL").rawValue == 29)
    }

    @Test func parsesRealtimeNames() throws {
        let minimum = pk_sigrtmin(), maximum = pk_sigrtmax()
        #expect(try Signal(parsing: "SIGRTMIN").rawValue == minimum)
        #expect(try Signal(parsing: "RTMIN").rawValue == minimum)
        #expect(try Signal(parsing: "SIGRTMAX").rawValue == maximum)
        #expect(try Signal(parsing: "SIGRTMIN+3").rawValue == minimum + 3)
        #expect(try Signal(parsing: "rtmin+2").rawValue == minimum + 2)
        #expect(try Signal(parsing: "RTMAX-1").rawValue == maximum - 1)
        #expect(try Signal(parsing: "sigrtmax-4").rawValue == maximum - 4)
        // The whole range is reachable from either end.
        #expect(try Signal(parsing: "RTMIN+\(maximum - minimum)").rawValue == maximum)
        #expect(try Signal(parsing: "RTMAX-\(maximum - minimum)").rawValue == minimum)
        #expect(Signal.realtimeMinimum.rawValue == minimum)
        #expect(Signal.realtimeMaximum.rawValue == maximum)
        #expect(Signal.realtimeMinimum.isRealtime && Signal.realtimeMaximum.isRealtime)
        #expect(!Signal.terminate.isRealtime)
    }

    @Test(arguments: [
        "", "SIG", "0", "65", "-1", "+15", " 15", "15 ", "1.5", "NOPE", "SIGNOPE", "TERMX",
        "RTMIN+99", "RTMIN+", "RTMIN-1", "RTMAX+1", "RTMAX-99", "SIGRTMIN+31", "RTMAX-", "999999999999",
    ])
    func rejectsBadInput(_ text: String) {
        #expect(throws: SignalParseError(input: text)) { try Signal(parsing: text) }
    }

    @Test func parseErrorNamesTheInput() {
        do {
            _ = try Signal(parsing: "NOPE")
            Issue.record("NOPE parsed")
        } catch {
            #expect(error.input == "NOPE")
            #expect(error.description.contains("'NOPE'"))
        }
    }

    @Test func rawValueRange() {
        #expect(Signal(rawValue: 0) == nil)
        #expect(Signal(rawValue: 65) == nil)
        #expect(Signal(rawValue: -1) == nil)
        #expect(Signal(rawValue: 1) == .hangup)
        #expect(Signal(rawValue: 64)?.rawValue == 64)
        #expect(Signal.all.count == 64)
        #expect(Signal.all.map(\.rawValue) == Array(1...64))
    }

    @Test func canonicalNamesOfStandardSignals() {
        let expected: [Int32: String] = [
            1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT", 7: "SIGBUS", 8: "SIGFPE",
            9: "SIGKILL", 10: "SIGUSR1", 11: "SIGSEGV", 12: "SIGUSR2", 13: "SIGPIPE", 14: "SIGALRM", 15: "SIGTERM",
            16: "SIGSTKFLT", 17: "SIGCHLD", 18: "SIGCONT", 19: "SIGSTOP", 20: "SIGTSTP", 21: "SIGTTIN", 22: "SIGTTOU",
            23: "SIGURG", 24: "SIGXCPU", 25: "SIGXFSZ", 26: "SIGVTALRM", 27: "SIGPROF", 28: "SIGWINCH", 29: "SIGIO",
            30: "SIGPWR", 31: "SIGSYS",
        ]
        for (number, name) in expected {
            #expect(Signal(rawValue: number)?.name == name)
            #expect(Signal(rawValue: number)?.description == name)
        }
    }

    /// Real-time names as bash's `kill -l` prints them (glibc: SIGRTMIN is 34, SIGRTMAX 64).
    @Test func canonicalNamesOfRealtimeSignals() throws {
        try #require(pk_sigrtmin() == 34 && pk_sigrtmax() == 64, "glibc's usual real-time range")
        #expect(Signal(rawValue: 32)?.name == "SIG32")
        #expect(Signal(rawValue: 33)?.name == "SIG33")
        #expect(Signal(rawValue: 34)?.name == "SIGRTMIN")
        #expect(Signal(rawValue: 35)?.name == "SIGRTMIN+1")
        #expect(Signal(rawValue: 49)?.name == "SIGRTMIN+15")
        #expect(Signal(rawValue: 50)?.name == "SIGRTMAX-14")
        #expect(Signal(rawValue: 63)?.name == "SIGRTMAX-1")
        #expect(Signal(rawValue: 64)?.name == "SIGRTMAX")
    }

    /// Every canonical name, with or without SIG and in any case, parses back to its number.
    @Test func everyNameRoundTrips() throws {
        var seen = Set<String>()
        for signal in Signal.all {
            let name = signal.name
            #expect(name.hasPrefix("SIG"))
            #expect(seen.insert(name).inserted, "duplicate name \(name)")
            #expect(try Signal(parsing: name) == signal, "\(name)")
            #expect(try Signal(parsing: String(name.dropFirst(3))) == signal, "\(name) without SIG")
            #expect(try Signal(parsing: name.lowercased()) == signal, "\(name) lowercased")
            #expect(try Signal(parsing: "\(signal.rawValue)") == signal)
        }
        #expect(seen.count == 64)
    }

    @Test func dispositionOfAnUntouchedSignal() {
        // The test runner leaves SIGRTMAX-3 alone.
        let signal = Signal(rawValue: pk_sigrtmax() - 3)!
        #expect(signal.disposition == .default)
    }

    @Test func sendingToANonexistentProcessFails() {
        // Pid 2^22+1 is above the kernel's pid_max limit, so no process has it.
        #expect(throws: Errno.noSuchProcess) { try Signal.terminate.send(to: 4_194_305) }
    }
}
