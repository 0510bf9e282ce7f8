import Testing
@testable import ProcessKit

/// Raw statuses as Linux encodes them: exit code in bits 8-15; terminating signal in bits 0-6 with
/// 0x80 for a core dump; 0x7f in the low byte with the signal above it for a stop; 0xffff for continued.
@Suite struct WaitStatusTests {
    @Test func exitCodes() {
        for code: Int32 in [0, 1, 2, 3, 42, 126, 127, 128, 143, 254, 255] {
            let status = WaitStatus(rawValue: code << 8)
            #expect(status == .exited(code: code))
            #expect(status.shellExitCode == code)
            #expect(status.hasTerminated)
            #expect(status.description == "exited with status \(code)")
        }
    }

    @Test func signaledWithoutCore() {
        for number: Int32 in [1, 2, 9, 10, 12, 15, 34, 64] {
            let status = WaitStatus(rawValue: number)
            #expect(status == .signaled(Signal(rawValue: number)!, coreDumped: false))
            #expect(status.shellExitCode == 128 + number)
            #expect(status.hasTerminated)
        }
        #expect(WaitStatus(rawValue: 15).description == "killed by signal 15 (SIGTERM)")
    }

    @Test func signaledWithCore() {
        for number: Int32 in [3, 6, 11] {
            let status = WaitStatus(rawValue: number | 0x80)
            #expect(status == .signaled(Signal(rawValue: number)!, coreDumped: true))
            #expect(status.shellExitCode == 128 + number)
        }
        #expect(WaitStatus(rawValue: 11 | 0x80).description == "killed by signal 11 (SIGSEGV), core dumped")
    }

    @Test func stopped() {
        for number: Int32 in [19, 20, 21, 22] {
            let status = WaitStatus(rawValue: number << 8 | 0x7f)
            #expect(status == .stopped(Signal(rawValue: number)!))
            #expect(status.shellExitCode == 128 + number)
            #expect(!status.hasTerminated)
        }
        #expect(WaitStatus(rawValue: 19 << 8 | 0x7f).description == "stopped by signal 19 (SIGSTOP)")
    }

    @Test func continued() {
        let status = WaitStatus(rawValue: 0xffff)
        #expect(status == .continued)
        #expect(status.shellExitCode == 0)
        #expect(!status.hasTerminated)
        #expect(status.description == "continued")
    }

    /// The decoding agrees with statuses the kernel really produced.
    @Test func realChildren() throws {
        let exited = try Command("/bin/sh", arguments: ["-c", "exit 7"]).spawn()
        #expect(try Reaper.wait(for: exited.pid) == .exited(code: 7))
        // The runner's threads block most signals; the child must not inherit that.
        var command = Command("/bin/sh", arguments: ["-c", "kill -USR1 $$"])
        command.signalMask = []
        let killed = try command.spawn()
        #expect(try Reaper.wait(for: killed.pid) == .signaled(.user1, coreDumped: false))
    }
}
