import Foundation
import Testing
import TestSupport

/// rebound, run as root, against an unprivileged user (uid 65534) who can write in the status file's
/// directory, and against a machine out of processes or fds: what that user plants is never followed,
/// opened or waited on (and, in ReboundHealthAdversarialTests, a check rebound cannot start never
/// restarts a healthy child, and nothing a check started outlives it). The rows of
/// docs/reliability.md's "Adversarial" table.
@Suite struct ReboundAdversarialTests {
    /// A directory `own` owned by uid 65534 (inside a scratch directory others may enter), and a
    /// root-only file `root-only` beside it, then `body(scratch, own)`.
    static func withUsersDirectory(_ body: (String, String) throws -> Void) throws {
        try Harness.require(geteuid() == 0, "needs root (to plant files as uid 65534 with setpriv)")
        try Harness.withTemporaryDirectory { scratch in
            let own = scratch + "/own"
            let setup = try Harness.shell(
                """
                set -e; chmod 755 \(scratch); mkdir \(own); chown 65534:65534 \(own)
                printf secret > \(scratch)/root-only; chmod 600 \(scratch)/root-only
                """)
            try #require(setup.status == 0, "\(setup.stderr)")
            try body(scratch, own)
        }
    }

    /// Runs `command` as uid 65534 (a shell command line).
    static func asUser(_ command: String) throws {
        let result = try Harness.run(
            "/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "/bin/sh", "-c", command])
        try #require(result.status == 0, "as uid 65534: \(command): \(result.stderr)")
    }

    /// lstat's file type of `path`, nil when nothing is there.
    static func fileType(_ path: String) -> mode_t? {
        var status = stat()
        guard lstat(path, &status) == 0 else { return nil }
        return status.st_mode & S_IFMT
    }

    /// What the other user puts at the name a temporary file is most easily guessed to have
    /// (`PATH.tmp`), or at the path itself.
    enum Plant: String, CaseIterable, CustomTestStringConvertible {
        case fifo, symlink, device, theirFile, directory
        var testDescription: String { rawValue }

        /// Plants it at `path`; `scratch` holds the root-only file a link points to.
        func plant(at path: String, scratch: String) throws {
            switch self {
            case .fifo: try asUser("mkfifo \(path)")
            case .symlink: try asUser("ln -s \(scratch)/root-only \(path)")
            case .device:  // root makes it (CAP_MKNOD); the user could have renamed one there
                let made = try Harness.shell("mknod \(path) c 1 7 && chown 65534:65534 \(path)")
                try #require(made.status == 0, "\(made.stderr)")
            case .theirFile: try asUser("umask 0; echo '{\"health\":\"healthy\"}' > \(path)")
            case .directory: try asUser("mkdir \(path)")
            }
        }

        var type: mode_t {
            switch self {
            case .fifo: return S_IFIFO
            case .symlink: return S_IFLNK
            case .device: return S_IFCHR
            case .theirFile: return S_IFREG
            case .directory: return S_IFDIR
            }
        }
    }

    /// The guessable temporary name `PATH.tmp` taken by the other user (a FIFO there would freeze a
    /// blocking open, a link would make root write a root-only file, their own file would become the
    /// status file): rebound goes on, the status file is root's, 0644, a regular file with the real
    /// state; the planted thing and the root-only file are untouched; the directory is warned about.
    @Test(arguments: Plant.allCases)
    func whatAnotherUserPlantsAtTheTemporaryNameIsNeverFollowedOrOpened(plant: Plant) throws {
        try Self.withUsersDirectory { scratch, own in
            let path = own + "/status.json"
            try plant.plant(at: path + ".tmp", scratch: scratch)
            let result = try Harness.run(
                Harness.rebound, ["-r", "2", "-b", "0", "--status-file", path, "--", "sh", "-c", "exit 3"],
                timeout: 30)
            #expect(result.status == 3, "\(result.stderr)")
            #expect(!result.stderr.contains("cannot write status file"), "\(result.stderr)")
            #expect(
                result.stderr.contains(
                    "rebound: warning: status file directory \(own) can be written by another user (owner uid 65534, mode 0755)"),
                "\(result.stderr)")
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect(attributes[.type] as? FileAttributeType == .typeRegular)
            #expect((attributes[.ownerAccountID] as? NSNumber)?.intValue == 0)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o644)
            let status = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
            #expect(
                status?["state"] as? String == "stopping" && status?["restarts"] as? Int == 2, "\(String(describing: status))")
            #expect(Self.fileType(path + ".tmp") == plant.type, "the planted \(plant) was replaced or removed")
            #expect(try String(contentsOfFile: scratch + "/root-only", encoding: .utf8) == "secret")
            let rootOnly = try FileManager.default.attributesOfItem(atPath: scratch + "/root-only")
            #expect((rootOnly[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            // No temporary file of rebound's is left.
            #expect(try FileManager.default.contentsOfDirectory(atPath: own).sorted() == ["status.json", "status.json.tmp"])
        }
    }

    /// Something other than a regular file at the path itself, before rebound starts (a link, a FIFO,
    /// a device like /dev/full, a directory): refused with one line and the usage, exit 1, nothing
    /// started and the thing left as it was.
    @Test(arguments: [Plant.symlink, .fifo, .device, .directory])
    func aStatusFilePathThatIsNotARegularFileIsRefusedAtStartUp(plant: Plant) throws {
        try Self.withUsersDirectory { scratch, own in
            let path = own + "/status.json"
            try plant.plant(at: path, scratch: scratch)
            let result = try Harness.run(
                Harness.rebound, ["--status-file", path, "--", "sh", "-c", "echo started >&2"], timeout: 30)
            let reason = plant == .symlink ? "is a symbolic link" : "is not a regular file"
            #expect(result.status == 1)
            #expect(
                result.stderr.split(separator: "\n").first.map(String.init) == "rebound: --status-file \(path) \(reason)",
                "\(result.stderr)")
            #expect(result.stderr.contains("Usage: rebound [OPTIONS] [--] PROGRAM [ARGS...]"))
            #expect(!result.stderr.contains("started"))
            #expect(Self.fileType(path) == plant.type)
            #expect(try String(contentsOfFile: scratch + "/root-only", encoding: .utf8) == "secret")
        }
    }

    /// The other user swaps the status file for a link to a root-only file, or a FIFO, while rebound
    /// runs: the next write replaces the swapped thing (a rename never opens it), rebound goes on.
    @Test(arguments: [Plant.symlink, .fifo])
    func aStatusFileSwappedWhileReboundRunsIsReplacedNotFollowed(plant: Plant) throws {
        try Self.withUsersDirectory { scratch, own in
            let path = own + "/status.json"
            let rebound = try BackgroundProcess(
                Harness.rebound,
                [
                    "-r", "1", "-b", "0", "--status-file", path, "--",
                    "sh", "-c", "echo running >&2; while [ ! -e \(scratch)/go ]; do sleep 0.05; done; exit 3",
                ])
            try #require(rebound.waitForOutput("running"))
            try Self.asUser("rm -f \(path)")
            try plant.plant(at: path, scratch: scratch)
            _ = FileManager.default.createFile(atPath: scratch + "/go", contents: nil)
            #expect(rebound.waitForExit(timeout: 30).status == 3, "\(rebound.stderr)")
            #expect(Self.fileType(path) == S_IFREG)
            #expect(try String(contentsOfFile: scratch + "/root-only", encoding: .utf8) == "secret")
        }
    }
}

/// rebound's health checks against an exhausted machine and checks that try to leave processes
/// behind. Not run under qemu-user (scripts/test's emulated pass, like ReboundHealthIntegrationTests):
/// there the checks' runner cannot become a subreaper, and rebound cannot execute itself again.
@Suite struct ReboundHealthAdversarialTests {
    /// Where a health check cannot start.
    enum Exhaustion: String, CaseIterable, CustomTestStringConvertible {
        /// RLIMIT_NPROC 3 for uid 65534 in a user namespace: unshare, rebound and the child; no
        /// process left for the check.
        case noProcessForTheCheck
        /// RLIMIT_NPROC 4: the check's runner starts, its shell cannot.
        case noProcessForItsShell
        /// RLIMIT_NOFILE 5: rebound cannot make the check's pipe.
        case noFileDescriptor
        var testDescription: String { rawValue }

        /// RLIMIT_NPROC counts the processes of a user in its user namespace and those above it, so the
        /// process cases run as a user no other test runs as, one case at a time.
        static let user = 61_020

        var wrapper: [String] {
            let user = [
                "/usr/bin/setpriv", "--reuid=\(Self.user)", "--regid=\(Self.user)", "--clear-groups",
                "/usr/bin/unshare", "--user", "--map-root-user", "--pid", "--fork", "--mount-proc", "--kill-child",
            ]
            switch self {
            case .noProcessForTheCheck: return ["--nproc=3"] + user
            case .noProcessForItsShell: return ["--nproc=4"] + user
            case .noFileDescriptor: return ["--nofile=5"]
            }
        }
    }

    /// With every check unable to start, a healthy child is never restarted: the log says once that
    /// checks are not run, the status file counts them, health and failing streak stay put.
    @Test(.serialized, arguments: Exhaustion.allCases)
    func aCheckThatCannotStartNeverRestartsAHealthyChild(exhaustion: Exhaustion) throws {
        try Harness.requirePIDNamespaces()
        try ReboundAdversarialTests.withUsersDirectory { scratch, _ in
            let own = scratch + "/limited"
            try #require(mkdir(own, 0o755) == 0 && chown(own, uid_t(Exhaustion.user), gid_t(Exhaustion.user)) == 0)
            let path = own + "/status.json"
            let rebound = try BackgroundProcess(
                "/usr/bin/prlimit",
                exhaustion.wrapper + [
                    Harness.rebound, "-r", "1", "--health-cmd", "true", "--health-interval", "0.3", "--health-retries", "2",
                    "--status-file", path, "--", "sleep", "1000",
                ])
            func status() -> [String: Any]? {
                FileManager.default.contents(atPath: path).flatMap {
                    try? JSONSerialization.jsonObject(with: $0) as? [String: Any]
                }
            }
            let deadline = Date(timeIntervalSinceNow: 60 * Harness.slowdown)
            while Date() < deadline && !rebound.hasExited && !rebound.stderr.contains("unhealthy")
                && (status()?["health_checks_not_run"] as? Int ?? 0) < 5
            {
                usleep(20_000)
            }
            // rebound itself: under unshare, which passes no signal on, it is unshare's child.
            let target = exhaustion == .noFileDescriptor ? rebound.pid : Self.firstChild(of: rebound.pid)
            if let target { kill(target, SIGTERM) }
            #expect(rebound.waitForExit().status == 143, "\(rebound.stderr)")
            let lines = logLines(rebound.stderr).filter { !$0.hasPrefix("rebound: warning: status file directory") }
            #expect(lines.first == "rebound: starting sleep", "\(rebound.stderr)")
            #expect(
                lines.filter { $0.hasPrefix("rebound: health check not run (not counted): ") }.count == 1, "\(rebound.stderr)")
            #expect(!rebound.stderr.contains("health check failed") && !rebound.stderr.contains("unhealthy"), "\(rebound.stderr)")
            let last = status()
            #expect((last?["health_checks_not_run"] as? Int ?? 0) >= 5, "\(String(describing: last))")
            #expect(
                last?["health"] as? String == "starting" && last?["failing_streak"] as? Int == 0
                    && last?["restarts"] as? Int == 0,
                "\(String(describing: last))")
            #expect((last?["last_health_result"] as? String)?.hasPrefix("not run: ") == true, "\(String(describing: last))")
        }
    }

    /// The first child of `pid` the kernel lists, nil if none.
    static func firstChild(of pid: Int32) -> Int32? {
        let children = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
        return children.split(separator: " ").first.flatMap { Int32($0) }
    }

    /// Each check starts a daemon with `setsid` and one through a double fork (both in the
    /// background, both recording their pid), then passes. While rebound runs, only the check under
    /// way can have any alive; after rebound stops, none is.
    @Test func nothingACheckStartedOutlivesItAfterSetsidOrADoubleFork() throws {
        try Harness.withTemporaryDirectory { directory in
            let daemon = "sh -c 'echo $$ >> \(directory)/daemons; exec sleep 1000'"
            let check = "echo >> \(directory)/checks; setsid \(daemon) & (\(daemon) &) ; sleep 0.05; exit 0"
            let rebound = try BackgroundProcess(
                Harness.rebound,
                [
                    "--health-cmd", check, "--health-interval", "0.2", "--", "sleep", "1000",
                ])
            func alive() -> [Int32] {
                let pids = ((try? String(contentsOfFile: directory + "/daemons", encoding: .utf8)) ?? "").split(separator: "\n")
                    .compactMap { Int32($0) }
                return pids.filter { pid in
                    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
                    return stat.contains("(sleep)") && !stat.contains(") Z ")
                }
            }
            defer { for pid in alive() { kill(pid, SIGKILL) } }
            func checks() -> Int { ((try? String(contentsOfFile: directory + "/checks", encoding: .utf8)) ?? "").count }
            let deadline = Date(timeIntervalSinceNow: 60 * Harness.slowdown)
            while checks() < 8 && Date() < deadline { usleep(20_000) }
            #expect(checks() >= 8, "only \(checks()) checks ran")
            let whileRunning = alive()
            #expect(
                whileRunning.count <= 2, "\(whileRunning.count) daemons of earlier checks still alive after \(checks()) checks")
            _ = rebound.send(SIGTERM)
            #expect(rebound.waitForExit().status == 143)
            let gone = Date(timeIntervalSinceNow: 30 * Harness.slowdown)
            while !alive().isEmpty && Date() < gone { usleep(20_000) }
            #expect(alive().isEmpty, "daemons left after rebound exited: \(alive())")
        }
    }
}
