// Test helpers need Foundation and Swift Testing; a whole-package build for a target without them
// (scripts/build-static's Embedded musl build) compiles this module empty.
#if canImport(Foundation) && canImport(Testing)
import Foundation
import Testing

/// What a finished process left behind.
public struct ProgramRun {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Shared helpers for tests that run the built binaries.
public enum Harness {
    /// The built binary called `name`: $SWINIT_BIN / $REBOUND_BIN when set (to test another build,
    /// e.g. the static release), otherwise the one built beside this test bundle.
    public static func binary(_ name: String) -> String {
        if let override = ProcessInfo.processInfo.environment[name.uppercased() + "_BIN"], !override.isEmpty {
            return override
        }
        let testExecutable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        return URL(fileURLWithPath: testExecutable).deletingLastPathComponent().appendingPathComponent(name).path
    }

    /// How much longer than usual a bound may be: sanitizer builds (scripts/test-sanitizers sets
    /// PROCESSKIT_SANITIZER) run the binaries several times slower, so every bound here stretches 4x there.
    public static let slowdown: Double = sanitizer == nil ? 1 : 4
    /// The sanitizer the tests and binaries were built with (address, thread), or nil.
    public static let sanitizer = ProcessInfo.processInfo.environment["PROCESSKIT_SANITIZER"]

    public static var swinit: String { binary("swinit") }
    public static var rebound: String { binary("rebound") }

    /// True when this process may create PID namespaces (root with unshare).
    public static var canUnshare: Bool { geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") }

    /// Runs a program to its end, with a bound against a hang (never a speed check): past `timeout`
    /// seconds (times ``slowdown``) it is SIGKILLed and the test fails. Output is collected from files so a grandchild holding a pipe open cannot hang the test.
    @discardableResult
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        timeout: Double = 60, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> ProgramRun {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outPath = directory + "/stdout", errPath = directory + "/stderr"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        // Closed here once the program has them: Process keeps its standard handles open for as long
        // as it lives, and over a whole integration pass that left well over a thousand descriptors
        // open in the test process.
        let input = FileHandle(forReadingAtPath: "/dev/null")
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let errors = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        defer { try? input?.close(); try? output.close(); try? errors.close() }
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        try withEmptySignalMask { try process.run() }
        if done.wait(timeout: .now() + timeout * slowdown) == .timedOut {
            killTree(process.processIdentifier)
            Issue.record(
                "\(executable) \(arguments) did not finish within \(timeout * slowdown) s", sourceLocation: sourceLocation)
            // Bounded too: should the exit go unnoticed, give up rather than hang the whole run.
            if done.wait(timeout: .now() + 5) == .timedOut {
                return ProgramRun(status: -1, stdout: "", stderr: "")
            }
        }
        let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return ProgramRun(status: status, stdout: stdout, stderr: stderr)
    }

    /// SIGKILLs `pid` and every process below it, all found through /proc before any is killed (so
    /// none is re-parented out of sight first): a program a test ends at its bound, a shell running
    /// `unshare … rebound`, say, leaves nothing running.
    public static func killTree(_ pid: Int32) {
        var children: [Int32: [Int32]] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let child = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let nameEnd = stat.lastIndex(of: ")")
            else { continue }
            let fields = stat[stat.index(after: nameEnd)...].split(separator: " ")
            if fields.count > 1, let parent = Int32(fields[1]) { children[parent, default: []].append(child) }
        }
        var tree = [pid], index = 0
        while index < tree.count {
            tree += children[tree[index]] ?? []
            index += 1
        }
        for member in tree { kill(member, SIGKILL) }
    }

    /// Runs `body` (which starts a process) with no signal blocked in this thread. Swift Testing runs tests
    /// on libdispatch worker threads, which block almost every signal, and Foundation's `Process` hands
    /// the calling thread's mask to the new process (swinit and rebound pass theirs on to their child):
    /// without this the program would start with SIGTERM blocked, unlike under a shell.
    public static func withEmptySignalMask<T>(_ body: () throws -> T) rethrows -> T {
        var empty = sigset_t(), previous = sigset_t()
        sigemptyset(&empty)
        pthread_sigmask(SIG_SETMASK, &empty, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        return try body()
    }

    /// Seconds a script's ``shellWaits`` give up after (times ``slowdown``): a bound against a hang,
    /// far past what a loaded machine needs.
    public static let shellWaitBound: Double = 30

    /// Shell functions for scripts that wait on another process: `wait_for FILE` until FILE exists and
    /// is not empty, `wait_for_text FILE TEXT` until FILE contains TEXT. Each polls every 10 ms and after
    /// ``shellWaitBound`` seconds exits the script (90 or 91) naming what it waited for.
    public static let shellWaits = #"""
        wait_for() { i=0; while [ ! -s "$1" ]; do i=$((i+1)); if [ $i -gt \#(Int(shellWaitBound * slowdown * 100)) ]; then echo "timed out waiting for $1" >&2; exit 90; fi; sleep 0.01; done; }
        wait_for_text() { i=0; while ! grep -q "$2" "$1" 2>/dev/null; do i=$((i+1)); if [ $i -gt \#(Int(shellWaitBound * slowdown * 100)) ]; then echo "timed out waiting for '$2' in $1" >&2; exit 91; fi; sleep 0.01; done; }

        """#

    /// A bash command (dash cannot name descriptors above 9) that closes every descriptor above 2 the script inherited. Foundation's `Process`
    /// learns that a child ended when a socket it hands the child reaches EOF, so every descendant holds
    /// that socket too: a script closes it before it runs what must see only the descriptors it was given,
    /// or what must not look unfinished for as long as it lives.
    public static let closeInheritedDescriptors = #"""
        for fd in /proc/$$/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null; done;
        """#

    /// Runs a shell script with `sh -c`; `$SWINIT` and `$REBOUND` name the binaries under test.
    @discardableResult
    public static func shell(
        _ script: String, timeout: Double = 60, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> ProgramRun {
        var environment = ProcessInfo.processInfo.environment
        environment["SWINIT"] = swinit
        environment["REBOUND"] = rebound
        return try run("/bin/sh", ["-c", script], environment: environment, timeout: timeout, sourceLocation: sourceLocation)
    }

    /// A new empty directory under /tmp.
    public static func temporaryDirectory() throws -> String {
        var template = Array("/tmp/processkit-test-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        return String(cString: made)
    }
}

// MARK: - Capabilities, readiness files, scratch directories

/// Why a test stopped before it began: a tool or privilege it needs is missing, and
/// PROCESSKIT_REQUIRE_ALL=1 says nothing may be skipped.
public struct MissingCapability: Error, CustomStringConvertible {
    public let what: String
    public var description: String { "required capability missing: \(what)" }
}

extension Harness {
    /// True when PROCESSKIT_REQUIRE_ALL=1: tests that would skip for lack of root, unshare, script
    /// or python3 fail instead (for CI, where every test must run).
    public static var requireAll: Bool { ProcessInfo.processInfo.environment["PROCESSKIT_REQUIRE_ALL"] == "1" }

    /// Carries on when `available`; otherwise skips the test (cancels it with `what` as the reason), or,
    /// when PROCESSKIT_REQUIRE_ALL=1, records a failure and stops it.
    public static func require(_ available: Bool, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        if available { return }
        if requireAll {
            Issue.record("PROCESSKIT_REQUIRE_ALL=1 but this test cannot run: \(what)", sourceLocation: sourceLocation)
            throw MissingCapability(what: what)
        }
        try Test.cancel("skipped: \(what)", sourceLocation: sourceLocation)
    }

    /// True when this process can really make a PID namespace with /proc remounted (root alone is
    /// not enough in a container without CAP_SYS_ADMIN): probed once by running `true` in one.
    public static let pidNamespacesWork: Bool = {
        guard canUnshare else { return false }
        return (try? run("/usr/bin/unshare", ["--pid", "--fork", "--mount-proc", "/bin/true"], timeout: 10).status) == 0
    }()

    /// Skips (or under PROCESSKIT_REQUIRE_ALL=1 fails) a test that needs a fresh PID namespace.
    public static func requirePIDNamespaces(sourceLocation: SourceLocation = #_sourceLocation) throws {
        try require(
            pidNamespacesWork, "needs root and a working `unshare --pid --fork --mount-proc`",
            sourceLocation: sourceLocation)
    }

    /// True when the swinit under test can register as a child subreaper: probed once with `swinit -s true`.
    /// False for the arm64 binaries under qemu-user 7.2, which answers prctl(PR_SET_CHILD_SUBREAPER)
    /// with EINVAL (scripts/test's arm64 pass).
    public static let subreaperWorks: Bool = {
        guard let probe = try? run(swinit, ["-s", "true"], timeout: 30) else { return false }
        return !probe.stderr.contains("cannot register as a child subreaper")
    }()

    /// The message both binaries log when the prctl fails, which tests drop where it is expected.
    public static let subreaperRefused = "cannot register as a child subreaper"

    /// True when a failed exec in a child of the swinit under test is reported to it (step and errno):
    /// probed once. False under qemu-user, which runs clone(CLONE_VM|CLONE_VFORK) as a plain fork, so
    /// the report the child writes never reaches the parent's memory and only the exit code 127 is left.
    public static let execFailureReportsWork: Bool = {
        guard let probe = try? run(swinit, ["/nonexistent/program"], timeout: 30) else { return false }
        return probe.stderr.contains("No such file or directory")
    }()

    /// Skips a test that checks how an exec failure is reported where the system under test cannot
    /// pass the report on (an emulator), naming why.
    public static func requireExecFailureReports(sourceLocation: SourceLocation = #_sourceLocation) throws {
        if execFailureReportsWork { return }
        try Test.cancel(
            "skipped: \(swinit) gets no exec-failure report from its child here (qemu-user runs clone(CLONE_VM|CLONE_VFORK) as a plain fork)",
            sourceLocation: sourceLocation)
    }

    /// Skips a test that needs swinit or rebound to become a child subreaper where the system under
    /// test cannot (an emulator), naming why. Not a missing tool: PROCESSKIT_REQUIRE_ALL does not apply.
    public static func requireSubreaper(sourceLocation: SourceLocation = #_sourceLocation) throws {
        if subreaperWorks { return }
        try Test.cancel(
            "skipped: \(swinit) cannot register as a child subreaper here (qemu-user 7.2 answers prctl(PR_SET_CHILD_SUBREAPER) with EINVAL)",
            sourceLocation: sourceLocation)
    }

    /// True when the binaries under test run under qemu-user (scripts/test's pass over the other
    /// architecture's binaries), told by what it cannot do: a child subreaper, an exec-failure report.
    public static var emulated: Bool { !subreaperWorks || !execFailureReportsWork }

    /// Skips a test whose subject qemu-user changes (scripts/test's pass over the other architecture's
    /// binaries): `why` names what the emulator does differently. Not a missing tool.
    public static func requireNative(_ why: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        if !emulated { return }
        try Test.cancel("skipped under qemu-user: \(why)", sourceLocation: sourceLocation)
    }

    /// The first of `paths` that is an executable file.
    public static func executable(_ paths: String...) -> String? {
        paths.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The first executable `name` in this process's PATH, as a shell would find it.
    public static func onPath(_ name: String) -> String? {
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
            .map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The system python3 (not a version-manager shim), if there is one.
    public static var python3: String? { executable("/usr/bin/python3", "/bin/python3", "/usr/local/bin/python3") }

    /// util-linux `script`, which runs a command under a new pseudo-terminal.
    public static var script: String? { executable("/usr/bin/script", "/bin/script") }

    /// Writes `text` to `path` with permissions `mode` (octal, as chmod takes it). sh writes it, not this
    /// process: a file this multi-threaded test process wrote itself could still be open for writing in
    /// a child another test was starting at that moment, and executing it would then fail with ETXTBSY
    /// ("Text file busy"). No descriptor of a file written here ever exists in this process.
    public static func writeExecutable(
        _ text: String, to path: String, mode: String = "755",
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let written = try run(
            "/bin/sh", ["-c", #"printf '%s' "$1" > "$2" && chmod "$3" "$2""#, "sh", text, path, mode],
            sourceLocation: sourceLocation)
        try #require(written.status == 0, "cannot write \(path): \(written.stderr)", sourceLocation: sourceLocation)
    }

    /// Writes a shell script (`#!/bin/sh`, then `body`) named `name` into `directory`, executable unless
    /// `mode` says otherwise (see ``writeExecutable(_:to:mode:sourceLocation:)``); returns its path.
    public static func writeScript(
        _ directory: String, _ name: String, _ body: String, mode: String = "755",
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String {
        let path = directory + "/" + name
        try writeExecutable("#!/bin/sh\n" + body, to: path, mode: mode, sourceLocation: sourceLocation)
        return path
    }

    /// Runs `body` with a new scratch directory that is removed afterwards.
    public static func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return try body(directory)
    }

    /// Waits until `path` exists and is not empty, polling every 10 ms for at most `timeout` seconds;
    /// returns its contents, or nil (and a recorded issue) if it never appeared.
    @discardableResult
    public static func waitForFile(
        _ path: String, timeout: Double = 30, sourceLocation: SourceLocation = #_sourceLocation
    ) -> String? {
        let deadline = Date().addingTimeInterval(timeout * slowdown)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: path, encoding: .utf8), !text.isEmpty { return text }
            usleep(10_000)
        }
        Issue.record("\(path) did not appear within \(timeout * slowdown) s", sourceLocation: sourceLocation)
        return nil
    }

    /// Runs `printf '%s|%s'` through `launcher` (e.g. `"$SWINIT" -s`) with two arguments that are not
    /// UTF-8 (0xFF, Latin-1 é) and expects their exact bytes back.
    public static func expectArgumentsThatAreNotUTF8Unchanged(
        through launcher: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let result = try shell(
            launcher + #" printf '%s|%s' "$(printf 'a\377b')" "$(printf '\351t\351')" | od -An -tx1"#,
            sourceLocation: sourceLocation)
        #expect(result.status == 0, "\(result)", sourceLocation: sourceLocation)
        #expect(
            result.stdout.split(separator: " ").joined(separator: " ").trimmingCharacters(in: .whitespacesAndNewlines)
                == "61 ff 62 7c e9 74 e9", "\(result)", sourceLocation: sourceLocation)
    }

    /// Like ``shell(_:timeout:sourceLocation:)`` with extra environment variables.
    @discardableResult
    public static func shell(
        _ script: String, environment extra: [String: String], timeout: Double = 60,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> ProgramRun {
        var environment = ProcessInfo.processInfo.environment
        environment["SWINIT"] = swinit
        environment["REBOUND"] = rebound
        environment.merge(extra) { _, new in new }
        return try run("/bin/sh", ["-c", script], environment: environment, timeout: timeout, sourceLocation: sourceLocation)
    }
}
#endif
