import Foundation
import Synchronization
import Testing
import TestSupport
@testable import ProcessKit

/// The async layer: waits and reads suspend on ProcessKit's one poller thread, never on a thread of
/// the cooperative pool; cancelling a task tears its child down.
@Suite struct AsyncTests {
    /// Threads of this process right now.
    static func threadCount() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count) ?? 0
    }

    /// A counter tasks share.
    final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    static func sleeper(_ script: String = "exec sleep 1000") throws -> ChildProcess {
        try Command("sh", arguments: ["-c", script]).spawn()
    }

    /// The contents of a file once it exists, polled every 10 ms without blocking a pool thread (the
    /// task under test needs one). The bound is against a hang and outlasts a starved pool: Swift
    /// Testing runs every test on the cooperative pool (one thread per CPU), and synchronous tests that
    /// wait minutes for the binaries they run (the container and real-software tests on a loaded
    /// machine) can hold all of its threads for that long, so the task under test may not run until then.
    static func contents(of path: String) async -> String? {
        let deadline = Deadline.after(.seconds(900 * Harness.slowdown))
        while !deadline.hasPassed {
            if let text = try? String(contentsOfFile: path, encoding: .utf8), !text.isEmpty { return text }
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
        return nil
    }

    static func isGone(_ pid: Int32) -> Bool { kill(pid, 0) != 0 }

    @Test func awaitingAChildReturnsItsStatus() async throws {
        let child = try Command("sh", arguments: ["-c", "exit 7"]).spawn()
        #expect(try await child.wait() == .exited(code: 7))
    }

    /// The async run() treats pipe settings as the sync one does (StandardIOTests): output pipes are
    /// captured and an input pipe is closed at once, so the run cannot hang on them. The timeout only
    /// guards against a hang: it outlasts a cooperative pool that other suites' synchronous tests hold
    /// for minutes on a loaded 2-core machine (the run's steps need a pool thread).
    @Test func runWithPipeSettingsCannotHang() async throws {
        var command = Command("/bin/sh", arguments: ["-c", "cat; head -c 200000 /dev/zero; echo e >&2"])
        command.standardInput = .pipe
        command.standardOutput = .pipe
        command.standardError = .pipe
        let result = try await command.run(timeout: .seconds(900 * Harness.slowdown))
        #expect(result.succeeded && !result.timedOut)
        #expect(result.standardOutput.count == 200_000 && result.standardErrorText == "e\n")
    }

    @Test func runCapturesBothStreamsAndFeedsInput() async throws {
        let result = try await Command("sh", arguments: ["-c", "tr a-z A-Z; echo oops >&2; exit 3"]).run(input: "hello\n")
        #expect(result.status == .exited(code: 3))
        #expect(result.standardOutputText == "HELLO\n")
        #expect(result.standardErrorText == "oops\n")
        #expect(!result.timedOut)
    }

    /// 64 MiB each way through cat: the input is fed while the output is read, so neither pipe
    /// filling up can stall the exchange.
    @Test func sixtyFourMebibytesEachWayThroughCat() async throws {
        let input = [UInt8](repeating: UInt8(ascii: "x"), count: 64 << 20)
        var command = Command("cat")
        command.standardOutput = .capture(limit: 65 << 20)
        let result = try await command.run(input: input)
        #expect(result.status == .exited(code: 0))
        #expect(result.standardOutput.count == input.count)
        #expect(!result.standardOutputTruncated)
    }

    /// A child writing 64 MiB to each of standard output and error: both are read as they come.
    @Test func sixtyFourMebibytesOnBothOutputs() async throws {
        var command = Command("sh", arguments: ["-c", "head -c 67108864 /dev/zero | tee /dev/stderr"])
        command.standardOutput = .capture(limit: 65 << 20)
        command.standardError = .capture(limit: 65 << 20)
        let result = try await command.run()
        #expect(result.status == .exited(code: 0))
        #expect(result.standardOutput.count == 64 << 20)
        #expect(result.standardError.count == 64 << 20)
    }

    @Test func aPipelineRunsFromAsyncCode() async throws {
        let pipeline =
            Command("sort") | Command("uniq", arguments: ["-c"])
            | Command("sh", arguments: ["-c", "wc -l; echo note >&2; exit 4"])
        let result = try await pipeline.run(input: "b\na\nb\n")
        #expect(result.standardOutputText.trimmingCharacters(in: .whitespaces) == "2\n")
        #expect(result.standardErrorText == "note\n")
        #expect(result.statuses == [.exited(code: 0), .exited(code: 0), .exited(code: 4)])
    }

    @Test func aPipelineTimeoutStopsEveryStage() async throws {
        let pipeline = Command("sleep", arguments: ["1000"]) | Command("sleep", arguments: ["1000"])
        let result = try await pipeline.run(timeout: .milliseconds(200))
        #expect(result.timedOut)
        #expect(result.statuses == [.signaled(.terminate, coreDumped: false), .signaled(.terminate, coreDumped: false)])
    }

    @Test func captureLimitTruncatesAndKeepsReading() async throws {
        var command = Command("sh", arguments: ["-c", "head -c 1000000 /dev/zero"])
        command.standardOutput = .capture(limit: 1000)
        // Bounded: should reading stop at the limit, head would block on the full pipe for ever.
        let result = try await command.run(timeout: .seconds(60))
        #expect(!result.timedOut, "the output past the limit was not read")
        #expect(result.status == .exited(code: 0))
        #expect(result.standardOutput.count == 1000)
        #expect(result.standardOutputTruncated)
    }

    @Test func aTimeoutTearsTheChildDown() async throws {
        let result = try await Command("sleep", arguments: ["1000"]).run(timeout: .milliseconds(200))
        #expect(result.timedOut)
        #expect(result.status == .signaled(.terminate, coreDumped: false))
    }

    /// A child that outlives SIGTERM (it notes it and carries on) gets SIGKILL after the teardown's
    /// wait, and the cancelled task throws only once it is gone.
    @Test func cancellingARunTearsTheChildDownTermThenKill() async throws {
        let directory = try Harness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let pidFile = directory + "/pid", termFile = directory + "/term"
        let script =
            "trap 'echo TERM > \(termFile)' TERM; echo $$ > \(pidFile).tmp; mv \(pidFile).tmp \(pidFile); "
            + TeardownTests.giveUp(marking: directory + "/gave-up")
        let command = Command("sh", arguments: ["-c", script])
        let task = Task { try await command.run(teardown: Teardown([.signal(.terminate), .wait(.seconds(3))])) }
        let pidText = try #require(await Self.contents(of: pidFile), "the child never started")
        let pid = try #require(Int32(pidText.trimmingCharacters(in: .whitespacesAndNewlines)))
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(Self.isGone(pid), "the child \(pid) is still there (or a zombie) after the cancelled run")
        // It saw SIGTERM first (and survived it: only the SIGKILL after the wait ended it).
        #expect((try? String(contentsOfFile: termFile, encoding: .utf8)) == "TERM\n")
        #expect(!FileManager.default.fileExists(atPath: directory + "/gave-up"), "no SIGKILL came: the child gave up by itself")
    }

    @Test func cancellingAWaitTearsTheChildDown() async throws {
        let child = try Self.sleeper()
        let waiting = Task { try await child.wait() }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        #expect(child.reaped == .signaled(.terminate, coreDumped: false))
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
                    return try await child.wait()
                }
            }
            group.addTask {
                let deadline = Deadline.after(.seconds(60))
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

    @Test func twoTasksCanAwaitTheSameChild() async throws {
        let child = try Self.sleeper()
        async let first = child.wait()
        async let second = child.wait()
        try child.send(.kill)
        let statuses = try await [first, second]
        #expect(statuses == [.signaled(.kill, coreDumped: false), .signaled(.kill, coreDumped: false)])
    }

    @Test func outputAsChunksAndLines() async throws {
        var command = Command("printf", arguments: ["one\\ntwo\\n\\nthree without newline"])
        command.standardOutput = .pipe
        let child = try command.spawn()
        let output = child.standardOutput
        var lines: [String] = []
        for try await line in output.lines { lines.append(line) }
        #expect(lines == ["one", "two", "", "three without newline"])
        #expect(try await child.wait() == .exited(code: 0))
    }

    @Test func aThousandConcurrentRunsUseAFewThreads() async throws {
        let before = Self.threadCount()
        let most = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<1000 {
                group.addTask {
                    let result = try await Command("sh", arguments: ["-c", "echo \(index)"]).run()
                    _ = most.value.max(Self.threadCount(), ordering: .relaxed)
                    #expect(result.standardOutputText == "\(index)\n")
                }
            }
            try await group.waitForAll()
        }
        let added = most.value.load(ordering: .relaxed) - before
        #expect(added <= 8, "threads before: \(before), most during 1,000 runs: \(most.value.load(ordering: .relaxed))")
    }
}
