import CProcessKit
import Foundation
import Testing
import TestSupport
@testable import ProcessKit

/// The error `command.run()` throws; fails the test when it runs instead. Shared by the suites of bad input
/// and of identity and limits.
func failure(_ command: Command, sourceLocation: SourceLocation = #_sourceLocation) -> SpawnError? {
    do throws(SpawnError) {
        let result = try command.run()
        Issue.record("\(command.program) ran: \(result.status)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// Input a caller can get wrong: each is a SpawnError that names the problem in one line, nothing
/// crashes, and no child is left behind (none is started, or the one started is reaped).
@Suite struct BadInputTests {
    func children() -> Bool { Reaper.hasChildren() }

    @Test func nulBytes() throws {
        var program = Command(bytes: Array("/bin/tr".utf8) + [0] + Array("ue".utf8))
        program.standardOutput = .null
        let error = try #require(failure(program))
        #expect(error.step == .program && error.childPID == nil)
        #expect(error.description == "cannot start /bin/tr: the program name contains a NUL byte")

        let argument = try #require(failure(Command("echo", arguments: ["fine", "bad\u{0}one"])))
        #expect(argument.step == .arguments)
        #expect(argument.description == "cannot start echo: argument 2 contains a NUL byte")

        var entry = Command("true")
        entry.environment = ["GOOD=1", "BAD=a\u{0}b"]
        let entryError = try #require(failure(entry))
        #expect(
            entryError.step == .environment
                && entryError.description == "cannot start true: environment variable BAD contains a NUL byte")

        var variable = Command("true")
        variable.environment = Environment.inherit.updating(["NAME": "x\u{0}y"])
        let variableError = try #require(failure(variable))
        #expect(variableError.step == .environment && variableError.description.contains("NAME contains a NUL byte"))

        var equals = Command("true")
        equals.environment = Environment.inherit.updating(["A=B": "c"])
        #expect(try #require(failure(equals)).description.contains("name 'A=B' is empty or contains '='"))

        // An entry without "=" is no variable; passed on, the child's getenv would never see it.
        var noEquals = Command("true")
        noEquals.environment = Environment(entryBytes: [Array("GOOD=1".utf8), Array("NOVALUE".utf8)])
        let noEqualsError = try #require(failure(noEquals))
        #expect(
            noEqualsError.step == .environment
                && noEqualsError.description == "cannot start true: environment entry 2 'NOVALUE' has no '='")
        var emptyName = Command("true")
        emptyName.environment = ["=value"]
        #expect(try #require(failure(emptyName)).description == "cannot start true: environment entry 1 '=value' has no name")
    }

    @Test func aMissingWorkingDirectory() throws {
        var command = Command("true")
        command.workingDirectory = "/nonexistent/directory"
        let error = try #require(failure(command))
        #expect(error.step == .workingDirectory && error.errno == .noSuchFile)
        #expect(error.description == "cannot start true: chdir failed: No such file or directory")
        let pid = try #require(error.childPID)
        #expect(kill(pid, 0) == -1 && pk_errno() == ESRCH, "the failed child was reaped")
    }

    @Test func anFdThatIsNotOpen() throws {
        // Numbers no test running beside this one opens: a pipe's ends, once closed, are the lowest
        // free numbers, which the next pipe or file of another test takes before this spawn looks.
        let readEnd = FileDescriptor(rawValue: 4000), writeEnd = FileDescriptor(rawValue: 4001)
        #expect(!readEnd.isOpen && !writeEnd.isOpen)
        var output = Command("true")
        output.standardOutput = .fileDescriptor(writeEnd)
        let error = try #require(failure(output))
        #expect(error.step == .standardOutput && error.errno.rawValue == EBADF)
        #expect(error.description == "cannot start true: standard output: \(writeEnd) is not open")

        var input = Command("true")
        input.standardInput = .fileDescriptor(readEnd)
        #expect(try #require(failure(input)).step == .standardInput)

        var passed = Command("true")
        passed.inheritedFileDescriptors = [readEnd]
        let passedError = try #require(failure(passed))
        #expect(passedError.step == .fileDescriptors && passedError.description.hasSuffix("\(readEnd) is not open"))
    }

    @Test func aCaptureLimitOfZero() throws {
        var command = Command("true")
        command.standardError = .capture(limit: 0)
        let error = try #require(failure(command))
        #expect(error.step == .standardError)
        #expect(error.description == "cannot start true: standard error: the capture limit must be at least 1 byte, not 0")
    }

    @Test func aProgramThatIsADirectory() throws {
        let error = try #require(failure(Command("/tmp")))
        #expect(error.step == .exec && error.errno.rawValue == EISDIR)
        #expect(error.description == "exec /tmp failed: Is a directory")
        #expect(error.shellExitCode == 126)
        // Found on PATH, a directory is passed over as execvp passes it: EACCES is remembered, a later
        // entry that has the program still runs it, and with none the failure is "Permission denied"
        // (126), as `timeout 10 .` and `tini .` say: "." joined to any PATH entry is that directory.
        try Harness.withTemporaryDirectory { directory in
            try FileManager.default.createDirectory(atPath: directory + "/tool", withIntermediateDirectories: false)
            try FileManager.default.createDirectory(atPath: directory + "/later", withIntermediateDirectories: false)
            try Harness.writeExecutable("#!/bin/sh\necho later\n", to: directory + "/later/tool", mode: "755")
            for program in ["tool", "."] {
                var command = Command(program)
                command.environment = .inherit.updating(["PATH": directory + ":/nonexistent"])
                let denied = try #require(failure(command))
                #expect(denied.errno == .permissionDenied && denied.shellExitCode == 126, "\(program): \(denied)")
                #expect(denied.description == "exec \(program) failed: Permission denied")
            }
            var found = Command("tool")
            found.environment = .inherit.updating(["PATH": directory + ":" + directory + "/later"])
            #expect(try found.run().standardOutputText == "later\n")
        }
    }

    @Test func aFileThatWillNotOpen() throws {
        var command = Command("cat")
        command.standardInput = .file("/nonexistent/input")
        let error = try #require(failure(command))
        #expect(error.step == .standardInput && error.errno == .noSuchFile)
        #expect(
            error.description == "cannot start cat: standard input: cannot open /nonexistent/input: No such file or directory")
    }

    @Test func mergingStandardOutputIntoItself() throws {
        var command = Command("true")
        command.standardOutput = .standardOutput
        #expect(try #require(failure(command)).description == "cannot start true: standard output cannot be merged into itself")
    }
}
