import CProcessKit
import Foundation
import Testing
import TestSupport
@testable import ProcessKit

/// The child's user, groups, resource limits and umask, read back from the child's own /proc/self
/// files. Changing ids and raising limits needs root: as anyone else these tests skip.
@Suite struct IdentityAndLimitsTests {
    func requireRoot(sourceLocation: SourceLocation = #_sourceLocation) throws {
        try Harness.require(geteuid() == 0, "needs root (changing ids and raising limits)", sourceLocation: sourceLocation)
    }

    /// What `file` says in the child that `command` (its program replaced) starts.
    func read(_ file: String, in command: Command) throws -> String {
        var command = command
        command.programBytes = Array("/bin/cat".utf8)
        command.argumentBytes = [Array(file.utf8)]
        let result = try command.run()
        #expect(result.status == .exited(code: 0), "\(result.standardErrorText)")
        return result.standardOutputText
    }

    /// The value of a "Name:\tvalue" line of /proc/self/status, its blanks made single spaces.
    func field(_ name: String, of status: String) -> String {
        let line = status.split(separator: "\n").first { $0.hasPrefix(name + ":") } ?? ""
        return line.dropFirst(name.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    @Test func dropsToAUserAGroupAndSupplementaryGroups() throws {
        try requireRoot()
        var command = Command("cat")
        command.userID = 65534
        command.groupID = 65534
        command.supplementaryGroups = [4242, 100]
        let status = try read("/proc/self/status", in: command)
        #expect(field("Uid", of: status) == "65534 65534 65534 65534", "\(status)")
        #expect(field("Gid", of: status) == "65534 65534 65534 65534", "\(status)")
        // The kernel lists the groups sorted.
        #expect(field("Groups", of: status) == "100 4242", "\(status)")

        // Only a user id: the group id is kept, and the groups are emptied.
        var userOnly = Command("cat")
        userOnly.userID = 65534
        let userOnlyStatus = try read("/proc/self/status", in: userOnly)
        #expect(field("Uid", of: userOnlyStatus) == "65534 65534 65534 65534", "\(userOnlyStatus)")
        #expect(field("Gid", of: userOnlyStatus) == "\(getgid()) \(getgid()) \(getgid()) \(getgid())", "\(userOnlyStatus)")
        #expect(field("Groups", of: userOnlyStatus) == "", "\(userOnlyStatus)")

        // Nothing set: this process's ids.
        let unchanged = try read("/proc/self/status", in: Command("cat"))
        #expect(field("Uid", of: unchanged) == "0 0 0 0", "\(unchanged)")
    }

    /// With only a user id, a parent that has supplementary groups (here root given group 4242 by
    /// setpriv) does not pass them on: the child's are emptied before it drops to the user.
    @Test func aUserIDAloneLeavesNoneOfTheParentsGroups() throws {
        try requireRoot()
        let setpriv = try #require(Harness.executable("/usr/bin/setpriv", "/bin/setpriv"), "needs setpriv (util-linux)")
        let program = try ProbeProgram.build(
            "drop",
            """
            import ProcessKit
            var command = Command("/bin/cat", arguments: ["/proc/self/status"])
            command.userID = 65534
            print(try! command.run().standardOutputText)
            """, parseAsLibrary: false)
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: program).deletingLastPathComponent().path) }
        let parent = try Harness.run(setpriv, ["--groups", "4242", "/bin/cat", "/proc/self/status"])
        #expect(field("Groups", of: parent.stdout) == "4242", "setpriv did not give the parent a group: \(parent.stdout)")
        let child = try Harness.run(setpriv, ["--groups", "4242", program])
        #expect(field("Uid", of: child.stdout) == "65534 65534 65534 65534", "\(child.stdout) \(child.stderr)")
        #expect(field("Groups", of: child.stdout) == "", "\(child.stdout)")
    }

    @Test func resourceLimitsAndUmask() throws {
        try requireRoot()
        var command = Command("cat")
        command.resourceLimits = [
            ResourceLimit(.openFiles, soft: 100, hard: 200), ResourceLimit(.coreFileSize, 0),
            ResourceLimit(.fileLocks, soft: 7, hard: ResourceLimit.unlimited),
        ]
        command.umask = 0o027
        let limits = try read("/proc/self/limits", in: command)
        let lines = limits.split(separator: "\n").map {
            $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        }
        #expect(lines.contains("Max open files 100 200 files"), "\(limits)")
        #expect(lines.contains("Max core file size 0 0 bytes"), "\(limits)")
        #expect(lines.contains("Max file locks 7 unlimited locks"), "\(limits)")
        #expect(field("Umask", of: try read("/proc/self/status", in: command)) == "0027")
        // Unset: this process's umask.
        let own = umask(0o022)
        umask(own)
        #expect(
            field("Umask", of: try read("/proc/self/status", in: Command("cat"))) == "0" + String(own, radix: 8).leftPadded(to: 3)
        )
    }

    /// A hard limit only root may raise is raised for a child that drops to another user: the limits
    /// are set before the user id (set after it, setrlimit fails with EPERM). Skipped where root may
    /// not raise hard limits at all (a container without CAP_SYS_RESOURCE, such as the project's).
    @Test func limitsAreRaisedBeforeTheUserIsDropped() throws {
        try requireRoot()
        var own = rlimit()
        getrlimit(Int32(PK_RLIMIT_MEMLOCK), &own)
        try Harness.require(own.rlim_max != rlim_t.max, "needs a hard RLIMIT_MEMLOCK to raise")
        var command = Command("cat")
        command.resourceLimits = [ResourceLimit(.lockedMemory, soft: 0, hard: ResourceLimit.unlimited)]
        let mayRaise = (try? command.run()) != nil
        if !mayRaise { try Test.cancel("skipped: this root may not raise a hard limit (no CAP_SYS_RESOURCE)") }
        command.userID = 65534
        let limits = try read("/proc/self/limits", in: command)
        let line = limits.split(separator: "\n").first { $0.hasPrefix("Max locked memory") } ?? ""
        #expect(
            line.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
                == "Max locked memory 0 unlimited bytes",
            "\(limits)")
    }

    /// The kernel clears the parent death signal when the ids change: it is set after the drop, so the
    /// child that runs as another user still has it.
    @Test func theParentDeathSignalSurvivesTheDrop() throws {
        try requireRoot()
        let python = try #require(Harness.python3, "needs python3")
        var command = Command(
            python,
            arguments: [
                "-c",
                """
                import ctypes, os
                signal = ctypes.c_int(-1)
                ctypes.CDLL(None, use_errno=True).prctl(2, ctypes.byref(signal), 0, 0, 0)  # PR_GET_PDEATHSIG
                print(os.getuid(), signal.value)
                """,
            ])
        command.userID = 65534
        command.groupID = 65534
        command.parentDeathSignal = .kill
        let result = try command.run()
        #expect(result.standardOutputText == "65534 9\n", "\(result.standardOutputText) \(result.standardErrorText)")
    }

    /// The working directory is entered as the child's user: one it may not enter is an error.
    @Test func theWorkingDirectoryIsEnteredAsTheChildsUser() throws {
        try requireRoot()
        try Harness.withTemporaryDirectory { directory in
            let closed = directory + "/closed"
            #expect(mkdir(closed, 0o700) == 0)
            var command = Command("true")
            command.workingDirectory = closed
            #expect(try command.run().status == .exited(code: 0))
            command.userID = 65534
            let error = try #require(failure(command))
            #expect(error.step == .workingDirectory && error.errno == .permissionDenied, "\(error)")
            #expect(error.description == "cannot start true: chdir failed: Permission denied")
        }
    }

    /// Each step that fails names itself and its errno; the failed child is reaped.
    @Test func failuresNameTheStep() throws {
        try requireRoot()
        var soft = Command("true")
        soft.resourceLimits = [ResourceLimit(.openFiles, soft: 10, hard: 5)]
        let checked = try #require(failure(soft))
        #expect(checked.step == .resourceLimits && checked.errno.rawValue == EINVAL, "\(checked)")
        #expect(checked.description == "cannot start true: setrlimit(RLIMIT_NOFILE) failed: Invalid argument")

        // Above fs.nr_open: refused even to root, in the child.
        var tooMany = Command("true")
        tooMany.resourceLimits = [ResourceLimit(.coreFileSize, 0), ResourceLimit(.openFiles, soft: 1 << 40, hard: 1 << 40)]
        let refused = try #require(failure(tooMany))
        #expect(refused.step == .resourceLimits && refused.errno.rawValue == EPERM, "\(refused)")
        #expect(refused.description == "cannot start true: setrlimit(RLIMIT_NOFILE) failed: Operation not permitted")
        let pid = try #require(refused.childPID)
        #expect(kill(pid, 0) == -1 && pk_errno() == ESRCH, "the failed child was reaped")

        // More groups than the kernel takes (NGROUPS_MAX, 65536).
        var groups = Command("true")
        groups.supplementaryGroups = Array(repeating: 100, count: 65537)
        let groupsError = try #require(failure(groups))
        #expect(groupsError.step == .groups && groupsError.errno.rawValue == EINVAL, "\(groupsError)")
        #expect(groupsError.description == "cannot start true: setgroups failed: Invalid argument")

        // -1 is no id: setgid and setuid refuse it.
        var group = Command("true")
        group.groupID = UInt32.max
        let groupError = try #require(failure(group))
        #expect(groupError.step == .groupID && groupError.description == "cannot start true: setgid failed: Invalid argument")
        var user = Command("true")
        user.userID = UInt32.max
        let userError = try #require(failure(user))
        #expect(userError.step == .userID && userError.description == "cannot start true: setuid failed: Invalid argument")
        #expect(userError.shellExitCode == 1)
    }
}

extension String {
    fileprivate func leftPadded(to count: Int) -> String { String(repeating: "0", count: max(0, count - self.count)) + self }
}
