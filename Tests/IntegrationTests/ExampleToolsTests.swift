import Foundation
import Testing
import TestSupport

/// Examples/parallel and Examples/tee-capture, run as users run them: through a shell, beside the
/// tools they stand in for (xargs, `2>&1 | tee`).
@Suite struct ExampleToolsTests {
    static var parallel: String { Harness.binary("parallel") }
    static var teeCapture: String { Harness.binary("tee-capture") }

    static func shell(_ script: String, in directory: String) throws -> ProgramRun {
        var environment = ProcessInfo.processInfo.environment
        environment["PARALLEL"] = parallel
        environment["TEE_CAPTURE"] = teeCapture
        return try Harness.run("/bin/sh", ["-c", "cd '\(directory)' || exit\n\(script)"], environment: environment, timeout: 120)
    }

    /// The same runs as xargs makes, whatever the order they finish in.
    @Test func parallelRunsWhatXargsRuns() throws {
        try Harness.withTemporaryDirectory { directory in
            let input = "printf 'a\\nb c\\n\\nd\\ne\\nf\\n'"
            let ours = try Self.shell("\(input) | \"$PARALLEL\" -P 3 echo item", in: directory)
            let xargs = try Self.shell("\(input) | xargs -d '\\n' -n 1 -P 3 echo item", in: directory)
            #expect(ours.status == 0)
            #expect(ours.stdout.split(separator: "\n").sorted() == xargs.stdout.split(separator: "\n").sorted())
            let replaced = try Self.shell("printf 'x\\ny\\n' | \"$PARALLEL\" -P 1 -I @ echo '<@>' '@@'", in: directory)
            #expect(replaced.stdout == "<x> xx\n<y> yy\n")
        }
    }

    @Test(arguments: ["0\n0", "0\n3\n0", "255\n0", "0\n300", "kill"])
    func parallelExitsAsXargsDoes(_ statuses: String) throws {
        try Harness.withTemporaryDirectory { directory in
            let input =
                statuses == "kill" ? "printf 'x\\n'" : "printf '\(statuses.replacingOccurrences(of: "\n", with: "\\n"))\\n'"
            let command = statuses == "kill" ? "sh -c 'kill $$'" : "sh -c 'exit $0'"
            let ours = try Self.shell("\(input) | \"$PARALLEL\" -P 1 \(command)", in: directory)
            let xargs = try Self.shell("\(input) | xargs -n 1 -P 1 \(command)", in: directory)
            #expect(ours.status == xargs.status, "statuses \(statuses): ours \(ours.status), xargs \(xargs.status)")
        }
    }

    @Test func parallelReportsACommandThatIsNotThere() throws {
        try Harness.withTemporaryDirectory { directory in
            let result = try Self.shell("echo x | \"$PARALLEL\" no-such-command-here", in: directory)
            #expect(result.status == 127)
            #expect(result.stderr.contains("no-such-command-here"))
        }
    }

    /// With -P 3, three runs are under way at once: each waits (bounded) until all three have started,
    /// which could never happen one at a time.
    @Test func parallelRunsThatManyAtOnce() throws {
        try Harness.withTemporaryDirectory { directory in
            let wait =
                "touch started-$0; i=0; while [ $(ls | grep -c started-) -lt 3 ] && [ $i -lt 3000 ]; do sleep 0.01; i=$((i+1)); done; [ $(ls | grep -c started-) -ge 3 ]"
            let result = try Self.shell("printf '1\\n2\\n3\\n' | \"$PARALLEL\" -P 3 sh -c '\(wait)'", in: directory)
            #expect(result.status == 0, "the three runs did not overlap: \(result.stderr)")
        }
    }

    /// What the command prints reaches both the terminal side and the log, in the order written, and
    /// tee-capture exits with the command's status (a shell pipeline into tee would exit with tee's).
    @Test func teeCaptureShowsLogsAndKeepsTheStatus() throws {
        try Harness.withTemporaryDirectory { directory in
            let result = try Self.shell("\"$TEE_CAPTURE\" log sh -c 'echo one; echo two >&2; echo three; exit 7'", in: directory)
            #expect(result.status == 7)
            #expect(result.stdout == "one\ntwo\nthree\n")
            let log = try String(contentsOfFile: directory + "/log", encoding: .utf8)
            #expect(log == "one\ntwo\nthree\n")
            let again = try Self.shell("\"$TEE_CAPTURE\" log sh -c 'echo four; kill -TERM $$'", in: directory)
            #expect(again.status == 143)
            let appended = try String(contentsOfFile: directory + "/log", encoding: .utf8)
            #expect(appended == "one\ntwo\nthree\nfour\n")
        }
    }

    @Test func teeCaptureFailuresHaveShellStatuses() throws {
        try Harness.withTemporaryDirectory { directory in
            let notFound = try Self.shell("\"$TEE_CAPTURE\" log no-such-command-here", in: directory)
            let notExecutable = try Self.shell("\"$TEE_CAPTURE\" log /", in: directory)
            let noLog = try Self.shell("\"$TEE_CAPTURE\" no/such/dir/log true", in: directory)
            let noCommand = try Self.shell("\"$TEE_CAPTURE\" log", in: directory)
            #expect(notFound.status == 127)
            #expect(notExecutable.status == 126)
            #expect(noLog.status == 125)
            #expect(noCommand.status == 125)
        }
    }
}
