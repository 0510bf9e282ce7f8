import CProcessKit
import Foundation
import Testing
import TestSupport
@testable import ProcessKit

/// ProcessKit's spawning API on its own, without swinit or rebound: every setting of `Command` is
/// checked in the child it starts (the child writes what it sees to a file), and exec failures come
/// back as the exact step and errno. Children are collected with `ChildProcess.wait()` only, never
/// `waitpid(-1)`, which would take other tests' processes from Foundation.
@Suite struct CommandTests {
    /// Starts `command`, waits (bounded by the child's own script) and returns how it ended.
    func run(_ command: Command) throws -> WaitStatus {
        try command.spawn().wait()
    }

    /// The error `command` fails to start with; nil (and a recorded issue) when it started.
    func spawnError(_ command: Command, sourceLocation: SourceLocation = #_sourceLocation) -> SpawnError? {
        do throws(SpawnError) {
            let child = try command.spawn()
            Issue.record("\(command.program) started", sourceLocation: sourceLocation)
            _ = try? child.wait()
            return nil
        } catch {
            return error
        }
    }

    func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    @Test func argumentsEnvironmentAndWorkingDirectoryReachTheChild() throws {
        try Harness.withTemporaryDirectory { directory in
            let script = #"tr '\0' '|' < /proc/$$/cmdline > out; printf '\n%s|%s|%s\n' "$1" "$GREETING" "$(pwd)" >> out"#
            var command = Command("sh", arguments: ["-c", script, "name", "two words"])
            command.argumentZero = "zeroth"
            command.environment = ["GREETING=hello there", "PATH=/usr/bin:/bin"]
            command.workingDirectory = directory
            let status = try run(command)
            #expect(status == .exited(code: 0))
            #expect(read(directory + "/out") == "zeroth|-c|\(script)|name|two words|\ntwo words|hello there|\(directory)\n")
        }
    }

    /// Program and arguments that are not UTF-8 (a Latin-1 file name) reach exec byte for byte.
    @Test func bytesThatAreNotUTF8ReachTheChildUnchanged() throws {
        try Harness.withTemporaryDirectory { directory in
            let name = Array((directory + "/prog-").utf8) + [0xE9]
            // Written by sh (see Harness.writeExecutable), which makes the Latin-1 name from an escape.
            let written = try Harness.run(
                "/bin/sh",
                [
                    "-c",
                    #"printf '#!/bin/sh\nprintf "%%s" "$1" > "$2"\n' > "$(printf "$0/prog-\351")" && chmod 755 "$0"/prog-*"#,
                    directory,
                ])
            try #require(written.status == 0, "\(written)")
            let argument: [UInt8] = [0x61, 0xFF, 0xFE, 0x62]
            let command = Command(bytes: name, arguments: [argument, Array((directory + "/out").utf8)])
            let status = try run(command)
            #expect(status == .exited(code: 0))
            let out = try #require(FileManager.default.contents(atPath: directory + "/out"))
            #expect(Array(out) == argument)
        }
    }

    /// A name is looked up in each PATH entry in order, an empty entry meaning the working
    /// directory; a program given as a path is not looked up; an entry that is not executable is
    /// passed over (EACCES is remembered, and reported if nothing else is found).
    @Test func programsAreLookedUpOnPathInOrder() throws {
        try Harness.withTemporaryDirectory { directory in
            let manager = FileManager.default
            for name in ["a", "b", "c"] {
                try manager.createDirectory(atPath: directory + "/" + name, withIntermediateDirectories: false)
            }
            func tool(_ folder: String, prints text: String, executable: Bool = true) throws {
                let path = directory + "/" + folder + "/tool"
                try Harness.writeExecutable("#!/bin/sh\necho \(text)\n", to: path, mode: executable ? "755" : "644")
            }
            try tool("a", prints: "not executable", executable: false)
            try tool("b", prints: "b")
            try tool("c", prints: "c")
            func run(_ program: String, path: String, in workingDirectory: String? = nil) throws -> String {
                var command = Command(program)
                command.environment = Environment.inherit.updating(["PATH": path])
                command.workingDirectory = workingDirectory
                return try command.run().standardOutputText
            }
            #expect(try run("tool", path: "\(directory)/a:\(directory)/b:\(directory)/c") == "b\n")
            #expect(try run("tool", path: "\(directory)/c:\(directory)/b") == "c\n")
            #expect(try run("./tool", path: "\(directory)/b", in: directory + "/c") == "c\n")
            // An empty entry is the working directory, which the child has changed to.
            #expect(try run("tool", path: "/nonexistent::\(directory)/b", in: directory + "/c") == "c\n")
            var denied = Command("tool")
            denied.environment = Environment.inherit.updating(["PATH": "\(directory)/a:/nonexistent"])
            do throws(SpawnError) {
                _ = try denied.run()
                Issue.record("a PATH with only a file that is not executable ran it")
            } catch {
                #expect(error.errno == .permissionDenied && error.shellExitCode == 126, "\(error)")
            }
        }
    }

    /// A name without a slash is looked up on this process's PATH.
    @Test func aNameIsFoundOnTheCallersPath() throws {
        #expect(try run(Command("true")) == .exited(code: 0))
        #expect(try run(Command("false")) == .exited(code: 1))
    }

    /// Field 5 of /proc/PID/stat is the process group, field 6 the session.
    static let groupAndSession = #"read -r _ _ _ _ group session _ < /proc/$$/stat; echo "$$ $group $session" > "$1""#

    func groupAndSession(_ configure: (inout Command) -> Void, in directory: String) throws -> [Int32] {
        var command = Command("/bin/sh", arguments: ["-c", Self.groupAndSession, "sh", directory + "/ids"])
        configure(&command)
        #expect(try run(command) == .exited(code: 0))
        return read(directory + "/ids").split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Int32($0) }
    }

    @Test func processGroupAndSession() throws {
        try Harness.withTemporaryDirectory { directory in
            let ownGroup = getpgrp(), ownSession = getsid(0)

            let inherited = try groupAndSession({ _ in }, in: directory)
            #expect(inherited.count == 3 && inherited[1] == ownGroup && inherited[2] == ownSession, "\(inherited)")

            let newGroup = try groupAndSession({ $0.processGroup = .new }, in: directory)
            #expect(newGroup.count == 3 && newGroup[1] == newGroup[0] && newGroup[2] == ownSession, "\(newGroup)")

            let newSession = try groupAndSession({ $0.newSession = true }, in: directory)
            #expect(newSession.count == 3 && newSession[1] == newSession[0] && newSession[2] == newSession[0], "\(newSession)")
        }
    }

    @Test func joiningAnExistingGroup() throws {
        try Harness.withTemporaryDirectory { directory in
            // A leader that stays up (bounded) until the joiner has looked at its group.
            var leaderCommand = Command(
                "/bin/sh",
                arguments: [
                    "-c", "i=0; while [ ! -e \"$1/done\" ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i+1)); done", "sh", directory,
                ])
            leaderCommand.processGroup = .new
            leaderCommand.signalMask = []
            let leader = try leaderCommand.spawn()
            #expect(leader.processGroup == leader.pid)
            let joined = try groupAndSession({ $0.processGroup = .join(leader.pid) }, in: directory)
            _ = FileManager.default.createFile(atPath: directory + "/done", contents: nil)
            #expect(try Reaper.wait(for: leader.pid) == .exited(code: 0))
            #expect(joined.count == 3 && joined[1] == leader.pid, "\(joined), leader \(leader.pid)")
        }
    }

    /// The child starts with exactly the mask asked for, and with the dispositions asked for, whatever
    /// the spawning thread's own mask is (the test runner's threads block most signals). Read from
    /// /proc while the child (a `sleep`, which leaves both alone) runs. (This process's own
    /// dispositions are left alone: other tests spawn concurrently and would inherit a change.)
    @Test func signalMaskAndDispositions() throws {
        var command = Command("sleep", arguments: ["10"])
        command.signalMask = [.user1, .hangup]
        command.ignoredSignals = [.user2, .terminalInput]
        command.defaultSignals = [.terminalInput, .terminalOutput]
        let child = try command.spawn()
        let status = (try? String(contentsOfFile: "/proc/\(child.pid)/status", encoding: .utf8)) ?? ""
        try child.send(.kill)
        #expect(try Reaper.wait(for: child.pid) == .signaled(.kill, coreDumped: false))
        var masks: [String: UInt64] = [:]
        for line in status.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 { masks[String(parts[0])] = UInt64(parts[1].trimmingCharacters(in: .whitespaces), radix: 16) }
        }
        #expect(masks["SigBlk"] == SignalSet([.user1, .hangup]).bits, "\(status)")
        let ignored = SignalSet(bits: masks["SigIgn"] ?? 0)
        #expect(ignored.contains(.user2), "SigIgn \(ignored)")
        #expect(ignored.contains(.terminalInput), "ignoredSignals wins over defaultSignals: SigIgn \(ignored)")
        #expect(!ignored.contains(.terminalOutput), "SigIgn \(ignored)")
    }

    /// Exec failures come back through the pipe as the step and errno, with the failed child already reaped.
    @Test func execFailuresReportStepAndErrno() throws {
        try Harness.withTemporaryDirectory { directory in
            let notExecutable = directory + "/plain"
            _ = FileManager.default.createFile(atPath: notExecutable, contents: Data("#!/bin/sh\n".utf8))
            let cases: [(String, Errno, Int32)] = [
                ("/nonexistent/program", .noSuchFile, 127), ("no-such-program-anywhere-42", .noSuchFile, 127),
                (notExecutable, .permissionDenied, 126), (notExecutable + "/below", .notDirectory, 127),
            ]
            for (program, errno, code) in cases {
                if let error = spawnError(Command(program)) {
                    #expect(error.step == .exec, "\(program)")
                    #expect(error.errno == errno, "\(program): \(error.errno)")
                    #expect(error.shellExitCode == code, "\(program)")
                    #expect(error.description == "exec \(program) failed: \(errno)")
                    let pid = try #require(error.childPID, "\(program): the forked child's pid")
                    #expect(kill(pid, 0) == -1 && pk_errno() == ESRCH, "the failed child \(pid) was not reaped")
                }
            }
        }
    }

    /// Exec failure is known from the pipe, not guessed from the exit code: a program that runs and
    /// exits 127 or 126 by itself started fine.
    @Test func exitCodes127And126OfARunningProgramAreNotExecFailures() throws {
        #expect(try run(Command("/bin/sh", arguments: ["-c", "exit 127"])) == .exited(code: 127))
        #expect(try run(Command("/bin/sh", arguments: ["-c", "exit 126"])) == .exited(code: 126))
    }

    @Test func aMissingWorkingDirectoryFailsBeforeExec() throws {
        var command = Command("/bin/true")
        command.workingDirectory = "/nonexistent/directory"
        if let error = spawnError(command) {
            #expect(error.step == .workingDirectory)
            #expect(error.errno == .noSuchFile)
            #expect(error.shellExitCode == 1)
            #expect(error.description.contains("chdir failed: No such file or directory"))
        }
    }

    // MARK: Waiting and prctl

    /// A deadline wait sleeps until the deadline, not less and not much more, and returns nil.
    @Test func waitingForASignalEndsAtTheDeadline() throws {
        let signal = Signal(rawValue: pk_sigrtmax() - 2)!
        let original = SignalSet.currentMask()
        defer { _ = try? original.setAsMask() }
        let waiter = try SignalWaiter(blocking: [signal])
        let started = Deadline.now
        #expect(try waiter.wait(until: .after(.milliseconds(200))) == nil)
        let waited = started.elapsed
        #expect(waited >= .milliseconds(200) && waited < .seconds(2), "waited \(waited) for a 0.2 s deadline")
    }

    /// The parent death signal round-trips through prctl (set, read back, cleared).
    @Test func parentDeathSignalRoundTrips() throws {
        let before = ProcessControl.parentDeathSignal
        defer { try? ProcessControl.setParentDeathSignal(before) }
        try ProcessControl.setParentDeathSignal(.user2)
        #expect(ProcessControl.parentDeathSignal == .user2)
        try ProcessControl.setParentDeathSignal(nil)
        #expect(ProcessControl.parentDeathSignal == nil)
    }
}
