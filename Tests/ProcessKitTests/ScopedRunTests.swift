import Foundation
import Synchronization
import Testing
import TestSupport
@testable import ProcessKit

/// `command.run { child in ... }`: whether the body returns, throws or (async) is cancelled, the
/// child is stopped if it still runs and reaped, so it leaves no zombie and no process behind.
@Suite struct ScopedRunTests {
    struct BodyFailed: Error {}

    /// A child that runs until it is stopped (longer than a starved cooperative pool can keep an async
    /// test from running), and says when it has started.
    static var sleeper: Command {
        var command = Command("sh", arguments: ["-c", "echo ready; exec sleep 600"])
        command.standardOutput = .pipe
        return command
    }

    /// Reads the child's "ready" line, so the body returns while it surely runs.
    static func awaitReady(_ child: ChildProcess) throws {
        #expect(try child.standardOutput.read(upToCount: 6) == Array("ready\n".utf8))
    }

    /// Gone and reaped: no /proc entry (a zombie still has one) and a status stopped by the teardown.
    static func expectReaped(_ child: ChildProcess?, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let child else { Issue.record("the body never ran", sourceLocation: sourceLocation); return }
        #expect(child.reaped == .signaled(.terminate, coreDumped: false), sourceLocation: sourceLocation)
        #expect(
            !FileManager.default.fileExists(atPath: "/proc/\(child.pid)"), "pid \(child.pid) is still there",
            sourceLocation: sourceLocation)
    }

    @Test func syncBodyReturns() throws {
        var seen: ChildProcess?
        let value = try Self.sleeper.run { child in
            seen = child
            try Self.awaitReady(child)
            return 42
        }
        #expect(value == 42)
        Self.expectReaped(seen)
    }

    @Test func syncBodyThrows() throws {
        var seen: ChildProcess?
        #expect(throws: BodyFailed.self) {
            try Self.sleeper.run { child in
                seen = child
                try Self.awaitReady(child)
                throw BodyFailed()
            }
        }
        Self.expectReaped(seen)
    }

    /// A body that waits for the child gets its status; nothing is left to stop.
    @Test func aBodyMayWaitForTheChild() throws {
        let status = try Command("sh", arguments: ["-c", "exit 5"]).run { child in try child.wait() }
        #expect(status == .exited(code: 5))
    }

    @Test func asyncBodyReturns() async throws {
        let seen = Mutex<ChildProcess?>(nil)
        let value = try await Self.sleeper.run { child in
            seen.withLock { $0 = child }
            try Self.awaitReady(child)
            await Task.yield()  // an async body: the async form
            return "done"
        }
        #expect(value == "done")
        Self.expectReaped(seen.withLock { $0 })
    }

    @Test func asyncBodyThrows() async throws {
        let seen = Mutex<ChildProcess?>(nil)
        await #expect(throws: BodyFailed.self) {
            try await Self.sleeper.run { child in
                seen.withLock { $0 = child }
                try Self.awaitReady(child)
                await Task.yield()  // an async body: the async form
                throw BodyFailed()
            }
        }
        Self.expectReaped(seen.withLock { $0 })
    }

    /// The task is cancelled while the body sleeps: the body's CancellationError comes out, after
    /// the child was stopped and reaped.
    @Test func asyncBodyCancelled() async throws {
        let seen = Mutex<ChildProcess?>(nil)
        let task = Task {
            try await Self.sleeper.run { child in
                try Self.awaitReady(child)
                seen.withLock { $0 = child }
                try await Task.sleep(nanoseconds: 600_000_000_000)
            }
        }
        let deadline = Deadline.after(.seconds(120 * Harness.slowdown))
        while seen.withLock({ $0 }) == nil, !deadline.hasPassed { try await Task.sleep(nanoseconds: 10_000_000) }
        #expect(seen.withLock { $0 } != nil, "the body did not start within \(120 * Harness.slowdown) s")
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        Self.expectReaped(seen.withLock { $0 })
    }
}
