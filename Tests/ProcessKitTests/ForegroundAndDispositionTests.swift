import Foundation
import Testing
@testable import ProcessKit

/// A program that spawns with ProcessKit from a process that ignores signals, or that has a terminal
/// and leaves SIGTTOU alone: built once, run as its own process.
@Suite(.serialized) struct ForegroundAndDispositionTests {
    static let source = #"""
    import ProcessKit

    @main struct Probe {
        static func main() throws {
            let mode = Arguments.current.count > 1 ? Arguments.current[1] : ""
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
                let pipeline = try (Command("yes") | Command("head", arguments: ["-c", "2"])).run(timeout: 60)
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
                let status = try command.spawn().wait(until: .after(seconds: 30))
                ProcessControl.exit(status == .exited(code: 0) ? 0 : 3)
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
