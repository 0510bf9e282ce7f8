import Foundation
import Synchronization
import Testing
@testable import ProcessKit

/// The async layer: waits and reads suspend on ProcessKit's one poller thread, never on a thread of
/// the cooperative pool.
@Suite struct AsyncTests {
    /// Threads of this process right now.
    static func threadCount() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count) ?? 0
    }

    /// A counter tasks share.
    final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    /// A pipe's (read, write) ends.
    static func makePipe() -> (Int32, Int32) {
        var fds: [Int32] = [0, 0]
        precondition(pipe(&fds) == 0)
        return (fds[0], fds[1])
    }

    static func sleeper() throws -> ChildProcess {
        var command = Command("sleep", arguments: ["1000"])
        command.signalMask = SignalSet()
        return try command.spawn()
    }

    @Test func awaitingAChildReturnsItsStatus() async throws {
        var command = Command("sh", arguments: ["-c", "exit 7"])
        command.signalMask = SignalSet()
        let child = try command.spawn()
        let status = try await AsyncChildWait.status(of: child.pid, cancellable: true)
        #expect(status == .exited(code: 7))
    }

    /// Many tasks wait on children that only end when another task kills them. That task needs a pool
    /// thread to run: if the waits held pool threads (2 on a 2-core machine), it would never run.
    @Test func manyWaitsLeaveThePoolFree() async throws {
        let count = 64
        let children = try (0..<count).map { _ in try Self.sleeper() }
        let started = Counter()
        let statuses = try await withThrowingTaskGroup(of: WaitStatus.self) { group in
            for child in children {
                group.addTask {
                    started.value.add(1, ordering: .relaxed)
                    return try await AsyncChildWait.status(of: child.pid, cancellable: true)
                }
            }
            group.addTask {
                let deadline = Deadline.after(seconds: 60)
                while started.value.load(ordering: .relaxed) < count, !deadline.hasPassed { await Task.yield() }
                for child in children { try? child.send(.kill) }
                return .exited(code: 0)
            }
            var statuses: [WaitStatus] = []
            for try await status in group { statuses.append(status) }
            return statuses
        }
        #expect(statuses.filter { $0 == .signaled(.kill, coreDumped: false) }.count == count)
    }

    @Test func cancellingAWaitLeavesTheChildToItsOwner() async throws {
        let child = try Self.sleeper()
        let waiting = Task { try await AsyncChildWait.status(of: child.pid, cancellable: true) }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        try child.send(.kill)
        #expect(try await AsyncChildWait.status(of: child.pid, cancellable: false) == .signaled(.kill, coreDumped: false))
    }

    @Test func twoTasksCanAwaitTheSameFD() async throws {
        let (readEnd, writeEnd) = Self.makePipe()
        defer { close(readEnd) }
        async let first: Void = EventPoller.shared.ready(readEnd)
        async let second: Void = EventPoller.shared.ready(readEnd)
        close(writeEnd)   // end of file: readable for both
        _ = try await (first, second)
    }

    @Test func chunksAndLinesOfAPipe() async throws {
        let (readEnd, writeEnd) = Self.makePipe()
        defer { close(readEnd) }
        let writer = Task.detached {
            let text = Array("one\ntwo\n\nthree without newline".utf8)
            for byte in text { _ = [byte].withUnsafeBytes { write(writeEnd, $0.baseAddress, 1) } }
            close(writeEnd)
        }
        var lines: [String] = []
        for try await line in AsyncByteChunks(reading: readEnd).lines { lines.append(line) }
        await writer.value
        #expect(lines == ["one", "two", "", "three without newline"])
    }

    @Test func aThousandConcurrentRunsUseAFewThreads() async throws {
        let before = Self.threadCount()
        let most = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<1000 {
                group.addTask {
                    var command = Command("/bin/true")
                    command.signalMask = SignalSet()
                    let child = try command.spawn()
                    let threads = Self.threadCount()
                    _ = most.value.max(threads, ordering: .relaxed)
                    #expect(try await AsyncChildWait.status(of: child.pid, cancellable: true) == .exited(code: 0))
                }
            }
            try await group.waitForAll()
        }
        let added = most.value.load(ordering: .relaxed) - before
        #expect(added <= 8, "threads before: \(before), most during 1,000 runs: \(most.value.load(ordering: .relaxed))")
    }
}
