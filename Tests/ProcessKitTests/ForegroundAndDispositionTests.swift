import Foundation
import Testing
import TestSupport
@testable import ProcessKit

/// A program that spawns with ProcessKit from a process that ignores signals, or that has a terminal
/// and leaves SIGTTOU alone: built once, run as its own process.
@Suite(.serialized) struct ForegroundAndDispositionTests {
    static let source = #"""
        import ProcessKit
        import Glibc

        nonisolated(unsafe) var parentPID: pid_t = 0
        nonisolated(unsafe) var flooding = true

        @main struct Probe {
            static func main() throws {
                let argv = Arguments.currentBytes, mode = argv.count > 1 ? String(decoding: argv[1], as: UTF8.self) : ""
                switch mode {
                case "ignored":
                    // This process ignores SIGPIPE and SIGUSR2; its children should not, unless asked to.
                    try Signal.brokenPipe.setDisposition(.ignore)
                    try Signal.user2.setDisposition(.ignore)
                    for inherit in [false, true] {
                        var command = Command("/bin/sh", arguments: ["-c", "grep '^SigIgn:' /proc/self/status"])
                        if inherit { command.ignoredSignals = .inherit }
                        let result = try command.run()
                        print((inherit ? "inherit " : "clean ") + result.standardOutputText, terminator: "")
                    }
                    // yes into a closed pipe dies of SIGPIPE quietly instead of printing "Broken pipe".
                    let pipeline = try (Command("yes") | Command("head", arguments: ["-c", "2"])).run(timeout: .seconds(60))
                    print("yes \(pipeline.statuses[0]) stderr=\(pipeline.standardErrorText.isEmpty ? "empty" : pipeline.standardErrorText)")
                case "foreground":
                    // SIGTTOU at its default action and not blocked: a background group taking the terminal
                    // would be stopped by it, unless the child blocks it around tcsetpgrp.
                    try Signal.terminalOutput.setDisposition(.default)
                    try SignalSet([.terminalOutput]).unblock()
                    // The child prints while it is in the foreground; this process's exit code is its status
                    // (once it is gone this process is in the background, where script may no longer copy
                    // what it prints).
                    var command = Command("/bin/sh", arguments: ["-c", "echo \"tpgid,pid $(ps -o tpgid= -p $$ | tr -d ' '),$$\""])
                    command.processGroup = .new
                    command.foregroundTerminal = 0
                    let status = try command.spawn().wait(until: .after(.seconds(30)))
                    ProcessControl.exit(status == .exited(code: 0) ? 0 : 3)
                case "handlers":
                    // A handler of this process that reports running in any other process (the child
                    // shares this process's memory until exec), and SIGUSR1 sent to the whole group, the
                    // children included, all the while spawns go on.
                    _ = setpgid(0, 0)
                    parentPID = getpid()
                    var action = sigaction()
                    action.__sigaction_handler.sa_handler = { _ in
                        let mark: StaticString = "X"
                        if getpid() != parentPID { _ = write(2, mark.utf8Start, 1) }
                    }
                    action.sa_flags = SA_RESTART
                    _ = sigaction(SIGUSR1, &action, nil)
                    var thread = pthread_t()
                    _ = pthread_create(&thread, nil, { _ in
                        while flooding { _ = kill(0, SIGUSR1) }
                        return nil
                    }, nil)
                    var spawned = 0
                    for _ in 0..<2000 {
                        var command = Command("/bin/true")
                        command.signalMask = .inherit  // unblocked here, so unblocked in the child before exec
                        guard let child = try? command.spawn() else { continue }
                        _ = try? child.wait()
                        spawned += 1
                    }
                    flooding = false
                    _ = pthread_join(thread, nil)
                    print("spawned \(spawned)")
                case "fds":
                    // Every way of starting a child, many times over: the fds this process has after are
                    // the ones it had before.
                    func openFDs() -> Int32 {
                        guard let directory = opendir("/proc/self/fd") else { return -1 }
                        defer { closedir(directory) }
                        var count: Int32 = 0
                        while readdir(directory) != nil { count += 1 }
                        return count
                    }
                    let before = openFDs()
                    for _ in 0..<300 {
                        _ = try Command("/bin/true").spawn().wait()
                        _ = try Command("/bin/sh", arguments: ["-c", "echo out; echo err >&2"]).run(input: "in")
                        _ = try (Command("/bin/echo", arguments: ["x"]) | Command("/bin/cat")).run()
                        _ = try? Command("/nonexistent/program").run()
                        var streaming = Command("/bin/cat")
                        streaming.standardInput = .pipe
                        streaming.standardOutput = .pipe
                        let child = try streaming.spawn()
                        child.closeStandardInput()
                        _ = try child.wait()
                    }
                    print("fds \(before) \(openFDs())")
                default:
                    print("unknown mode")
                }
            }
        }
        """#

    static let probe = Result { try ProbeProgram.build("probe", source) }

    @Test func childrenOfAProcessThatIgnoresSignalsStartWithDefaults() throws {
        let probe = try Self.probe.get()
        let result = try Harness.run(probe, ["ignored"], timeout: 120)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        func ignored(_ prefix: String) -> SignalSet? {
            guard let line = lines.first(where: { $0.hasPrefix(prefix + " SigIgn:") }) else { return nil }
            return UInt64(line.split(separator: "\t").last ?? "", radix: 16).map { SignalSet(bits: $0) }
        }
        #expect(ignored("clean") == SignalSet(), "\(lines)")
        let inherited = try #require(ignored("inherit"), "\(lines)")
        #expect(inherited.isSuperset(of: [.brokenPipe, .user2]), "\(inherited)")
        #expect(lines.contains("yes killed by signal 13 (SIGPIPE) stderr=empty"), "\(lines)")
    }

    /// No handler of the parent runs in a child between clone and exec, even with SIGUSR1 arriving
    /// all the time and the child's mask unblocking it before exec: dispositions are reset first.
    @Test func noParentHandlerRunsInTheChild() throws {
        let probe = try Self.probe.get()
        let result = try Harness.run(probe, ["handlers"], timeout: 180)
        #expect(result.stdout.contains("spawned "), "\(result.stdout) \(result.stderr)")
        let spawned = Int(result.stdout.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
        #expect(spawned > 1000, "\(result.stdout)")
        let marks = result.stderr.filter { $0 == "X" }.count
        #expect(marks == 0, "a parent handler ran in a child \(marks) times")
    }

    /// Starting children every way there is leaves no fd behind: pipes, files, pidfds are all closed.
    @Test func noFileDescriptorIsLeftBehind() throws {
        let probe = try Self.probe.get()
        let result = try Harness.run(probe, ["fds"], timeout: 300)
        let counts = result.stdout.split(whereSeparator: { $0.isWhitespace }).dropFirst().compactMap { Int($0) }
        #expect(counts.count == 2 && counts[0] == counts[1], "\(result.stdout) \(result.stderr)")
    }

    /// The child takes the terminal's foreground (its group is the terminal's foreground group) and
    /// the spawn returns, in a program that left SIGTTOU at its default action. Run under `script`,
    /// which gives it a terminal.
    @Test func foregroundTerminalWorksInAProgramThatLeavesSIGTTOUAlone() throws {
        let script = try #require(Harness.script, "needs util-linux script")
        let probe = try Self.probe.get()
        let result = try Harness.run(script, ["-qec", probe + " foreground", "/dev/null"], timeout: 60)
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        let ids = result.stdout.split(whereSeparator: { $0.isNewline })
            .first { $0.hasPrefix("tpgid,pid ") }?.dropFirst("tpgid,pid ".count).split(separator: ",")
        #expect(ids?.count == 2 && ids?[0] == ids?[1], "the child's group should own the terminal: \(result.stdout)")
    }
}
