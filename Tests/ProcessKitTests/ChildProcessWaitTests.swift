import CProcessKit
import Foundation
import Testing
@testable import ProcessKit

/// `ChildProcess` waits for itself alone: blocking, with a deadline, without blocking; it never reaps
/// another child, and its signals go through its pidfd, so nothing reaches a process that has its
/// pid after it was reaped.
@Suite struct ChildProcessWaitTests {
    func sleeper(_ seconds: String = "30") throws -> ChildProcess {
        try Command("sleep", arguments: [seconds]).spawn()
    }

    @Test func blockingWaitReturnsTheStatusAndEveryLaterWaitTheSame() throws {
        let child = try Command("/bin/sh", arguments: ["-c", "exit 7"]).spawn()
        #expect(child.pidDescriptor != nil, "this kernel has pidfds")
        #expect(try child.wait() == .exited(code: 7))
        #expect(try child.wait() == .exited(code: 7))
        #expect(try child.tryWait() == .exited(code: 7))
        #expect(child.reaped == .exited(code: 7))
    }

    @Test func nonBlockingWaitWhileItRuns() throws {
        let child = try sleeper()
        #expect(try child.tryWait() == nil)
        try child.send(.terminate)
        #expect(try child.wait() == .signaled(.terminate, coreDumped: false))
    }

    /// A deadline wait returns nil at the deadline (not much later) and the status once it has exited.
    @Test func waitWithADeadline() throws {
        let child = try sleeper()
        let started = Deadline.now
        #expect(try child.wait(until: .after(.milliseconds(200))) == nil)
        let waited = started.elapsed
        #expect(waited >= .milliseconds(190) && waited < .seconds(5), "waited \(waited) for a 0.2 s deadline")
        try child.send(.kill)
        #expect(try child.wait(until: .after(.seconds(30))) == .signaled(.kill, coreDumped: false))
    }

    /// Waiting for one child leaves another one's exit status alone.
    @Test func waitingNeverReapsAnotherChild() throws {
        let other = try Command("/bin/sh", arguments: ["-c", "exit 4"]).spawn()
        let child = try Command("/bin/sh", arguments: ["-c", "exit 5"]).spawn()
        // Let `other` exit first: its zombie is there while `child` is waited for.
        var info = siginfo_t()
        #expect(waitid(P_PID, id_t(other.pid), &info, WEXITED | WNOWAIT) == 0)
        #expect(try child.wait() == .exited(code: 5))
        #expect(try child.wait(until: .after(.seconds(1))) == .exited(code: 5))
        #expect(try other.tryWait() == .exited(code: 4), "the other child's status was still there")
    }

    /// Many threads waiting for the same child all get its status; it is reaped once.
    @Test func concurrentWaitersAllGetTheStatus() throws {
        let child = try Command("/bin/sh", arguments: ["-c", "sleep 0.2; exit 9"]).spawn()
        let statuses = ConcurrentResults<WaitStatus?>(count: 8)
        DispatchQueue.concurrentPerform(iterations: 8) { index in
            statuses[index] = index % 2 == 0 ? try? child.wait() : try? child.wait(until: .after(.seconds(60)))
        }
        #expect(statuses.values.allSatisfy { $0 == .exited(code: 9) }, "\(statuses.values)")
    }

    /// After the child was reaped, a signal is refused (ESRCH) instead of reaching whatever process has
    /// its pid now, even without a pidfd (the reaped status guards the pid then).
    @Test func signalsAfterReapingReachNoOtherProcess() throws {
        let child = try Command("true").spawn()
        _ = try child.wait()
        #expect(throws: Errno.noSuchProcess) { try child.send(.terminate) }
        let adopted = try Command("true").spawn()
        let byPid = ChildProcess(pid: adopted.pid)
        #expect(try byPid.wait() == .exited(code: 0))
        #expect(throws: Errno.noSuchProcess) { try byPid.send(.terminate) }
    }

    /// Something else reaping the child first (an init's waitpid(-1)) is reported as ECHILD, not a hang.
    @Test func aChildReapedElsewhereIsECHILD() throws {
        let child = try Command("true").spawn()
        var status: Int32 = 0
        #expect(waitpid(child.pid, &status, 0) == child.pid)
        #expect(throws: Errno.noChildProcess) { try child.wait() }
    }
}

/// Results written by concurrent iterations, each to its own slot.
final class ConcurrentResults<Value>: @unchecked Sendable {
    private var storage: [Value?]
    private let lock = NSLock()
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    subscript(index: Int) -> Value? {
        get { lock.withLock { storage[index] } }
        set { lock.withLock { storage[index] = newValue } }
    }
    var values: [Value?] { lock.withLock { storage } }
}
