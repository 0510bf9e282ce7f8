import Foundation
import Testing

/// What a finished process left behind.
struct RunResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Shared helpers for tests that run the built binaries.
enum Harness {
    /// The built binary called `name`: $SWINIT_BIN / $REBOUND_BIN when set (to test another build,
    /// e.g. the static release), otherwise the one built beside this test bundle.
    static func binary(_ name: String) -> String {
        if let override = ProcessInfo.processInfo.environment[name.uppercased() + "_BIN"], !override.isEmpty {
            return override
        }
        let testExecutable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        return URL(fileURLWithPath: testExecutable).deletingLastPathComponent().appendingPathComponent(name).path
    }

    static var swinit: String { binary("swinit") }
    static var rebound: String { binary("rebound") }

    /// True when this process may create PID namespaces (root with unshare).
    static var canUnshare: Bool { geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") }

    /// Runs a program to its end, with a bound: past `timeout` seconds it is SIGKILLed and the test
    /// fails. Output is collected from files so a grandchild holding a pipe open cannot hang the test.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                    timeout: Double = 30, sourceLocation: SourceLocation = #_sourceLocation) throws -> RunResult {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outPath = directory + "/stdout", errPath = directory + "/stderr"
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        try process.run()
        if done.wait(timeout: .now() + timeout) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            done.wait()
            Issue.record("\(executable) \(arguments) did not finish within \(timeout) s", sourceLocation: sourceLocation)
        }
        let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return RunResult(status: status, stdout: stdout, stderr: stderr)
    }

    /// Runs a shell script with `sh -c`; `$SWINIT` and `$REBOUND` name the binaries under test.
    @discardableResult
    static func shell(_ script: String, timeout: Double = 30, sourceLocation: SourceLocation = #_sourceLocation) throws -> RunResult {
        var environment = ProcessInfo.processInfo.environment
        environment["SWINIT"] = swinit
        environment["REBOUND"] = rebound
        return try run("/bin/sh", ["-c", script], environment: environment, timeout: timeout, sourceLocation: sourceLocation)
    }

    /// A new empty directory under /tmp.
    static func temporaryDirectory() throws -> String {
        var template = Array("/tmp/processkit-test-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        return String(cString: made)
    }
}
