import Foundation
import Testing
@testable import ProcessKit

/// Pipelines `a | b | c`: data flows through, every stage's status comes back, and a stage that
/// cannot start leaves nothing running.
@Suite struct PipelineTests {
    /// A pipeline's run() treats pipe settings as Command's does (StandardIOTests): the first stage's
    /// input pipe is closed at once, the last stage's output pipe and any stage's error pipe are
    /// captured, so nothing is left for a reader that does not exist.
    @Test func runWithPipeSettingsCannotHang() throws {
        var first = Command("/bin/sh", arguments: ["-c", "cat; echo first >&2"])
        first.standardInput = .pipe
        first.standardError = .pipe
        var last = Command("/bin/sh", arguments: ["-c", "cat; head -c 200000 /dev/zero"])
        last.standardOutput = .pipe
        let result = try (first | last).run(timeout: .seconds(60))
        #expect(!result.timedOut && result.statuses == [.exited(code: 0), .exited(code: 0)])
        #expect(result.standardOutput.count == 200_000 && result.standardErrorText == "first\n")
    }

    @Test func threeStagesWithInputAndEachStatus() throws {
        let pipeline =
            Command("sort") | Command("uniq", arguments: ["-c"]) | Command("/bin/sh", arguments: ["-c", "cat; exit 2"])
        let result = try pipeline.run(input: "b\na\nb\n")
        #expect(
            result.standardOutputText.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) } == ["1 a", "2 b"])
        #expect(result.statuses == [.exited(code: 0), .exited(code: 0), .exited(code: 2)])
        #expect(result.status == .exited(code: 2))
        #expect(result.firstFailure?.index == 2)
        #expect(!result.succeeded)
    }

    /// `false | cat`: the last stage succeeds, so a shell without pipefail would call the pipeline a
    /// success; ``PipelineResult/succeeded`` is pipefail's answer: an early stage failed.
    @Test func anEarlyFailureIsAFailureWhenTheLastStageSucceeds() throws {
        let result = try (Command("false") | Command("cat")).run()
        #expect(result.statuses == [.exited(code: 1), .exited(code: 0)])
        #expect(result.status == .exited(code: 0))
        #expect(result.firstFailure?.index == 0 && result.firstFailure?.status == .exited(code: 1))
        #expect(!result.succeeded)
    }

    /// With more than one stage failing, the first one is the one pipefail reports.
    @Test func theFirstFailureIsTheEarliestStage() throws {
        let pipeline =
            Command("/bin/sh", arguments: ["-c", "exit 3"]) | Command("/bin/sh", arguments: ["-c", "cat; exit 4"])
            | Command("cat")
        let result = try pipeline.run()
        #expect(result.statuses == [.exited(code: 3), .exited(code: 4), .exited(code: 0)])
        #expect(result.firstFailure?.index == 0 && result.firstFailure?.status == .exited(code: 3))
        #expect(!result.succeeded)
    }

    /// Every stage's standard error is captured, into one stream.
    @Test func standardErrorOfEveryStage() throws {
        let first = Command("/bin/sh", arguments: ["-c", "echo one >&2; echo data"])
        let second = Command("/bin/sh", arguments: ["-c", "cat >/dev/null; echo two >&2"])
        let result = try (first | second).run()
        #expect(result.standardErrorText == "one\ntwo\n")
        #expect(result.standardOutput.isEmpty)
        #expect(result.succeeded)
    }

    /// `yes | head -1`: yes dies of SIGPIPE quietly, as in a shell, even though this test process
    /// may ignore SIGPIPE itself: the child starts with every signal at its default action.
    @Test func aWriterWhoseReaderIsGoneDiesOfSIGPIPE() throws {
        let result = try (Command("yes") | Command("head", arguments: ["-1"])).run(timeout: .seconds(60))
        #expect(result.standardOutputText == "y\n")
        #expect(result.statuses == [.signaled(.brokenPipe, coreDumped: false), .exited(code: 0)])
        #expect(result.standardErrorText.isEmpty, "yes printed: \(result.standardErrorText)")
    }

    /// A stage that cannot start: the error names it, and the stages already started are killed and reaped.
    @Test func aStageThatCannotStartLeavesNothingBehind() throws {
        let pipeline = Command("sleep", arguments: ["30"]) | Command("/nonexistent/stage")
        #expect {
            _ = try pipeline.run()
        } throws: { error in
            guard let error = error as? SpawnError else { return false }
            return error.step == .exec && error.program == "/nonexistent/stage" && error.shellExitCode == 127
        }
    }

    @Test func spawnedStagesCanBeWaitedForOneByOne() throws {
        var last = Command("wc", arguments: ["-l"])
        last.standardOutput = .capture()
        var first = Command("printf", arguments: ["1\\n2\\n3\\n"])
        first.standardInput = .null
        let children = try Pipeline([first, last]).spawn()
        #expect(children.count == 2)
        let output = children[1].standardOutput
        #expect(try output.readToEnd(limit: 100).bytes == Array("3\n".utf8))
        #expect(try children.map { try $0.wait() } == [.exited(code: 0), .exited(code: 0)])
    }
}
