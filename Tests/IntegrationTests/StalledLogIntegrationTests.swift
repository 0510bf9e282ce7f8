import Foundation
import Glibc
import Testing
import TestSupport

/// A tool whose standard error is a pipe that nobody reads until the test says so: once the pipe is
/// full, a log line that waited for room would stop the tool's reaping and its signal handling.
final class UnreadStandardError {
    private let process = Process()
    private let readEnd: FileHandle

    init(_ executable: String, _ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        let pipe = Pipe()
        process.standardError = pipe
        readEnd = pipe.fileHandleForReading
        try Harness.withEmptySignalMask { try process.run() }
        try pipe.fileHandleForWriting.close()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Reads standard error until it contains `text`, or `timeout` seconds pass; what was read.
    func read(until text: String, timeout: Double) -> String {
        let deadline = Date(timeIntervalSinceNow: timeout * Harness.slowdown)
        var read = Data()
        var ready = pollfd(fd: readEnd.fileDescriptor, events: Int16(POLLIN), revents: 0)
        var buffer = [UInt8](repeating: 0, count: 65536)
        while Date() < deadline && !String(decoding: read, as: UTF8.self).contains(text) {
            guard poll(&ready, 1, 100) == 1 else { continue }
            let count = Glibc.read(readEnd.fileDescriptor, &buffer, buffer.count)
            if count <= 0 { break }
            read.append(contentsOf: buffer[..<count])
        }
        return String(decoding: read, as: UTF8.self)
    }

    /// The tool's children that are zombies now (not yet reaped).
    func zombieChildren() -> Set<String> {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(process.processIdentifier)/task")) ?? []
        var zombies: Set<String> = []
        for task in tasks {
            let children =
                (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/task/\(task)/children", encoding: .utf8)) ?? ""
            for child in children.split(separator: " ") {
                if let stat = try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8), stat.contains(") Z ") {
                    zombies.insert(String(child))
                }
            }
        }
        return zombies
    }

    /// Zombies that were there a while ago and still are: reaping has stopped.
    func lastingZombies() -> Set<String> {
        let before = zombieChildren()
        Thread.sleep(forTimeInterval: 2 * Harness.slowdown)
        return before.intersection(zombieChildren())
    }

    /// Sends SIGTERM and waits at most `timeout` seconds for the exit; the exit code, nil if it did not exit
    /// (it is SIGKILLed then).
    func terminate(timeout: Double) -> Int32? {
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date(timeIntervalSinceNow: timeout * Harness.slowdown)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        guard !process.isRunning else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    }
}

/// Waits until `condition` holds, at most `timeout` seconds (times ``Harness/slowdown``).
func waitUntil(timeout: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date(timeIntervalSinceNow: timeout * Harness.slowdown)
    while !condition() {
        if Date() >= deadline { return false }
        usleep(20_000)
    }
    return true
}

/// Logging never stops supervision: with standard error a full pipe, swinit and rebound drop log lines
/// (and say how many once the pipe takes lines again) instead of waiting, so they go on reaping,
/// restarting and acting on SIGTERM.
@Suite struct StalledLogIntegrationTests {
    @Test func reboundGoesOnRestartingAndStopsOnSigtermWhileStandardErrorIsFull() throws {
        let directory = try Harness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let status = directory + "/status.json"
        func restarts() -> Int { ReboundStatusFile.restarts(at: status) }
        // A 3 KB program path makes 3 KB log lines: a few restarts fill the pipe's 64 KB.
        let program = "/" + String(repeating: "./", count: 1500) + "bin/sh"
        let rebound = try UnreadStandardError(
            Harness.rebound, ["-b", "0", "--status-file", status, "--", program, "-c", "exit 1"])
        #expect(
            waitUntil(timeout: 60) { restarts() >= 200 },
            "rebound stopped restarting (at \(restarts())) once standard error was full")
        #expect(rebound.lastingZombies().isEmpty, "rebound stopped reaping once standard error was full")

        // Read again: the first line through says that lines were dropped.
        let read = rebound.read(until: "log lines were dropped: standard error would have blocked\n", timeout: 60)
        #expect(
            read.contains(#/\nrebound: [0-9]+ log lines were dropped: standard error would have blocked\n/#),
            "\(read.suffix(300))")
        #expect(read.split(separator: "\n").dropLast().allSatisfy { $0.hasPrefix("rebound: ") }, "a line was cut or mixed")

        // Full again: SIGTERM still ends rebound at once (exit 143, or 1 when the child's own exit came first).
        let before = restarts()
        #expect(waitUntil(timeout: 60) { restarts() >= before + 100 })
        let code = rebound.terminate(timeout: 30)
        #expect(
            code == 143 || code == 1, "rebound did not act on SIGTERM with standard error full (exit \(String(describing: code)))"
        )
    }

    @Test func swinitGoesOnReapingAndStopsOnSigtermWhileStandardErrorIsFull() throws {
        try Harness.requireSubreaper()
        let directory = try Harness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let count = directory + "/count"
        // Four orphans a turn, each reaped with a warning line (-w) of about 55 bytes: 64 KB fill in 300 turns.
        let swinit = try UnreadStandardError(
            Harness.swinit,
            [
                "-s", "-v", "-w", "--", "sh", "-c",
                "i=0; while :; do sh -c 'true & true & true & true &'; i=$((i+1)); echo $i > \(count); done",
            ])
        func turns() -> Int {
            Int((try? String(contentsOfFile: count, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
        }
        #expect(waitUntil(timeout: 120) { turns() >= 600 })
        #expect(swinit.lastingZombies().isEmpty, "swinit stopped reaping once standard error was full")
        let read = swinit.read(until: "log lines were dropped: standard error would have blocked\n", timeout: 60)
        #expect(
            read.contains(#/\n\[WARN  swinit \([0-9]+\)\] [0-9]+ log lines were dropped: standard error would have blocked\n/#),
            "\(read.suffix(300))")
        let before = turns()
        #expect(waitUntil(timeout: 120) { turns() >= before + 600 })
        #expect(swinit.terminate(timeout: 30) == 143, "swinit did not act on SIGTERM with standard error full")
    }
}
