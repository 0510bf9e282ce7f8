// Test helpers need Foundation and Swift Testing; a whole-package build for a target without them
// (scripts/build-static's Embedded musl build) compiles this module empty.
#if canImport(Foundation) && canImport(Testing)
import Foundation
import Testing

/// A program started in the background whose standard error is collected as it arrives, so a test can
/// wait for a log line (the readiness signal) before it sends a signal, then wait for the exit. Every
/// wait is bounded (times ``Harness/slowdown``) against a hang, generously: a bound is never a speed check.
/// Standard input and output are /dev/null.
public final class BackgroundProcess: @unchecked Sendable {
    private let process = Process()
    private let executable: String
    private let condition = NSCondition()
    private var collected = ""
    private var exitedAt: ContinuousClock.Instant?
    private var killedAfterBound = false

    /// Starts `executable` with `arguments` and no signal blocked (see ``Harness/withEmptySignalMask(_:)``).
    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws {
        self.executable = executable
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        let pipe = Pipe()
        process.standardError = pipe
        pipe.fileHandleForReading.readabilityHandler = { [condition] handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil }
            condition.lock()
            self.collected += String(decoding: data, as: UTF8.self)
            condition.broadcast()
            condition.unlock()
        }
        process.terminationHandler = { [condition] _ in
            let now = ContinuousClock.now
            condition.lock()
            self.exitedAt = now
            condition.broadcast()
            condition.unlock()
        }
        try Harness.withEmptySignalMask { try process.run() }
    }

    /// A test that stopped early leaves nothing running: SIGTERM (swinit and rebound forward it), then SIGKILL.
    deinit {
        guard !hasExited else { return }
        kill(process.processIdentifier, SIGTERM)
        if !exitsWithin(seconds: 5) {
            Harness.killTree(process.processIdentifier)
            _ = exitsWithin(seconds: 5)
        }
    }

    private func exitsWithin(seconds: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds * Harness.slowdown)
        condition.lock()
        defer { condition.unlock() }
        while exitedAt == nil { if !condition.wait(until: deadline) { return false } }
        return true
    }

    public var pid: Int32 { process.processIdentifier }

    /// True once the program has exited.
    public var hasExited: Bool {
        condition.lock()
        defer { condition.unlock() }
        return exitedAt != nil
    }

    /// True when a wait for the exit ran past its bound and SIGKILLed the program (a hang).
    public var overstayed: Bool {
        condition.lock()
        defer { condition.unlock() }
        return killedAfterBound
    }

    /// Its standard error so far.
    public var stderr: String {
        condition.lock()
        defer { condition.unlock() }
        return collected
    }

    /// Waits until standard error contains `text` (after the first `earlier`, if given); records an
    /// issue and returns false if it does not within `timeout` seconds.
    @discardableResult
    public func waitForOutput(
        _ text: String, after earlier: String? = nil, timeout: Double = 60,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout * Harness.slowdown)
        condition.lock()
        defer { condition.unlock() }
        func found() -> Bool {
            guard let earlier else { return collected.contains(text) }
            guard let range = collected.range(of: earlier) else { return false }
            return collected[range.upperBound...].contains(text)
        }
        while !found() {
            if !condition.wait(until: deadline) {
                Issue.record(
                    "\(executable) never wrote \"\(text)\" within \(timeout * Harness.slowdown) s; stderr so far:\n\(collected)",
                    sourceLocation: sourceLocation)
                return false
            }
        }
        return true
    }

    /// Waits for the exit: the shell's exit code (128+N for signal N) and when it happened. Past
    /// `timeout` seconds the program is SIGKILLed and the test fails.
    public func waitForExit(
        timeout: Double = 60, sourceLocation: SourceLocation = #_sourceLocation
    )
        -> (status: Int32, at: ContinuousClock.Instant)
    {
        let deadline = Date(timeIntervalSinceNow: timeout * Harness.slowdown)
        condition.lock()
        while exitedAt == nil {
            if !condition.wait(until: deadline) {
                Issue.record(
                    "\(executable) did not exit within \(timeout * Harness.slowdown) s; stderr:\n\(collected)",
                    sourceLocation: sourceLocation)
                Harness.killTree(process.processIdentifier)
                killedAfterBound = true
                // Bounded too: Foundation hears of the exit through a socket every descendant holds.
                let giveUp = Date(timeIntervalSinceNow: 10 * Harness.slowdown)
                while exitedAt == nil && condition.wait(until: giveUp) {}
                if exitedAt == nil {
                    condition.unlock()
                    return (-1, ContinuousClock.now)
                }
            }
        }
        let at = exitedAt!
        condition.unlock()
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return (status, at)
    }

    /// Sends `signal` and returns when it was sent.
    public func send(_ signal: Int32) -> ContinuousClock.Instant {
        let now = ContinuousClock.now
        kill(process.processIdentifier, signal)
        return now
    }
}

/// `duration` in seconds, for messages and for checks of what a duration must at least be.
public func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}
#endif
