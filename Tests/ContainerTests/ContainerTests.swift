import Foundation
import Testing
import TestSupport

/// Real containers (podman + runc) with the static swinit and rebound inside, from
/// Dockerfiles/Dockerfile.test. The image is built once per test run (and reused while the binaries
/// are unchanged: its tag is a hash of them). The binaries are $SWINIT_BIN/$REBOUND_BIN when those are
/// statically linked, otherwise dist/, refreshed with scripts/build-static (a no-op when up to date).
/// Without podman/runc/root the tests skip; with PROCESSKIT_REQUIRE_ALL=1 (CI) they fail instead.
/// Serialized: the tests share podman's one store, and its builds, runs and removals are not meant to race
/// each other on a loaded machine.
@Suite(.serialized) struct ContainerTests {
    /// `podman stop` sends SIGTERM to PID 1; swinit forwards it, and the container exits with the child's code.
    @Test(arguments: InitRoute.allCases) func podmanStopReachesTheChildThroughSwinit(route: InitRoute) throws {
        let image = try ContainerImage.shared()
        try Harness.withTemporaryDirectory { data in
            let container = try Container(
                image: image, volume: data, route: route,
                arguments: [
                    "sh", "-c",
                    #"trap 'echo child got TERM; exit 42' TERM; echo ready > /data/ready; while :; do sleep 0.1; done"#,
                ])
            defer { container.remove() }
            try #require(Harness.waitForFile(data + "/ready", timeout: 20) != nil)
            let stop = try container.stop(grace: 10)
            // 42 comes from the child's trap: it got SIGTERM and the container ended within the grace period
            // (podman's SIGKILL after it gives 137). How long `podman stop` itself takes is not checked: its
            // clean-up of the container can outlast the grace period on a loaded machine.
            #expect(try container.exitCode() == 42, "podman stop took \(stop.seconds) s")
            #expect(try container.logs().contains("child got TERM"))
        }
    }

    /// The data-loss story: a worker needs 2 s after SIGTERM to finish its job and record it. Under
    /// swinit it gets SIGTERM and the time; under a shell script as PID 1 (no exec, no init) SIGTERM
    /// goes nowhere (PID 1 has no handler), and after the grace period SIGKILL ends everything.
    @Test(arguments: [true, false]) func workerRecordsItsJobOnlyUnderAnInit(withSwinit: Bool) throws {
        let image = try ContainerImage.shared()
        try Harness.withTemporaryDirectory { data in
            try #"""
            trap 'sleep 2; echo "job 1 recorded" >> /data/jobs; exit 0' TERM
            echo ready > /data/ready
            while :; do sleep 0.1; done
            """#.write(toFile: data + "/worker.sh", atomically: true, encoding: .utf8)
            let container =
                withSwinit
                ? try Container(image: image, volume: data, arguments: ["sh", "/data/worker.sh"])
                // `; echo` keeps sh from exec'ing the worker: sh stays PID 1, the worker its child.
                : try Container(
                    image: image, volume: data, entrypoint: "/bin/sh",
                    arguments: ["-c", "sh /data/worker.sh; echo worker ended"])
            defer { container.remove() }
            try #require(Harness.waitForFile(data + "/ready", timeout: 20) != nil)
            let stop = try container.stop(grace: 10)
            let jobs = (try? String(contentsOfFile: data + "/jobs", encoding: .utf8)) ?? ""
            if withSwinit {
                #expect(jobs == "job 1 recorded\n", "the job was lost under swinit")
                // 0 is the worker's own exit after finishing; the grace period's SIGKILL would give 137.
                #expect(try container.exitCode() == 0, "stop took \(stop.seconds) s")
                #expect(stop.seconds >= 1.5, "the worker's 2 s of work were cut short: \(stop.seconds) s")
            } else {
                #expect(jobs.isEmpty, "without an init the worker should never see SIGTERM")
                #expect(try container.exitCode() == 137)
                #expect(stop.seconds >= 9, "PID 1 sh should ignore SIGTERM until the SIGKILL")
            }
        }
    }

    /// rebound as PID 1: the child crashes twice and is restarted inside the same container; then
    /// `podman stop` stops it cleanly.
    @Test func reboundRestartsTheChildInsideTheContainer() throws {
        let image = try ContainerImage.shared()
        try Harness.withTemporaryDirectory { data in
            try #"""
            n=$(cat /tmp/count 2>/dev/null || echo 0); n=$((n + 1)); echo $n > /tmp/count
            if [ $n -le 2 ]; then exit 3; fi
            trap 'echo child stopping; exit 0' TERM
            echo $n > /data/ready
            while :; do sleep 0.1; done
            """#.write(toFile: data + "/child.sh", atomically: true, encoding: .utf8)
            let container = try Container(
                image: image, volume: data, entrypoint: "/usr/local/bin/rebound",
                arguments: ["--", "sh", "/data/child.sh"])
            defer { container.remove() }
            let ready = Harness.waitForFile(data + "/ready", timeout: 20)
            #expect(ready == "3\n", "the third start should be the one that stays up")
            let stop = try container.stop(grace: 10)
            #expect(try container.exitCode() == 0, "podman stop took \(stop.seconds) s")
            #expect(try container.restartCount() == 0)
            let logs = try container.logs().replacingOccurrences(of: "pid [0-9]+", with: "pid P", options: .regularExpression)
            #expect(logs.contains("rebound: child (pid P) exited with status 3, restarting (1)"), "\(logs)")
            #expect(logs.contains("rebound: child (pid P) exited with status 3, restarting (2)"), "\(logs)")
            #expect(!logs.contains("restarting (3)"), "\(logs)")
            #expect(logs.contains("child stopping"), "\(logs)")
            #expect(!logs.contains("cannot print value in embedded Swift"), "\(logs)")
        }
    }

    /// The user-facing Dockerfile variants build and behave as their comments say: swinit (Debian-slim)
    /// and rebound (Alpine) as ENTRYPOINT. No registry is reachable here, so the test image stands in
    /// for both the processkit image and the base image (BASE_IMAGE); the files under test are unchanged.
    @Test(arguments: ["Dockerfile.debian-slim", "Dockerfile.alpine"])
    func dockerfileVariantsRunTheirProgramAndStopCleanly(dockerfile: String) throws {
        let image = try ContainerImage.shared()
        // A tag of this test's own: `rmi -f` below also removes every container of the image, so a tag
        // shared with another test run going on at once (another checkout) would stop its containers.
        let variant =
            image.replacingOccurrences(of: "processkit-test:", with: "processkit-variant:")
            + "-" + dockerfile.split(separator: ".").last! + "-" + UUID().uuidString.prefix(8).lowercased()
        try Harness.withTemporaryDirectory { context in
            // The build context is the repository; only what the Dockerfiles COPY is needed in it.
            try FileManager.default.createDirectory(atPath: context + "/Dockerfiles", withIntermediateDirectories: true)
            try FileManager.default.copyItem(
                atPath: ContainerImage.packageRoot + "/Dockerfiles/examples",
                toPath: context + "/Dockerfiles/examples")
            try Podman.run(
                [
                    "build", "-q", "--build-arg", "PROCESSKIT_IMAGE=" + image, "--build-arg", "BASE_IMAGE=" + image,
                    "-f", ContainerImage.packageRoot + "/Dockerfiles/" + dockerfile, "-t", variant, context,
                ],
                timeout: 300)
        }
        defer { _ = try? Podman.run(["rmi", "-f", variant], check: false) }
        let container = try Container(image: variant, arguments: [])
        defer { container.remove() }
        let isAlpine = dockerfile.hasSuffix("alpine")
        // Alpine's worker crashes once, after 5 s, and rebound restarts it (after -d 1) inside the same container;
        // the restarted worker runs until the stop, however late a loaded machine lets the test see it start.
        let awaited = isAlpine ? "rebound: child (pid P) exited with status 1, restarting (1)" : "app: started as pid"
        let logs = try container.waitForLog(awaited, timeout: 120)
        try #require(logs.contains(awaited), "\(logs)")
        if isAlpine { try #require(container.waitForLog("worker: started", count: 2, timeout: 120).contains("restarting (1)")) }
        let stop = try container.stop(grace: 10)
        let stoppedLogs = try container.logs()
        #expect(try container.exitCode() == 0, "podman stop took \(stop.seconds) s; logs:\n\(stoppedLogs)")
        #expect(try container.restartCount() == 0)
        #expect(stoppedLogs.contains(isAlpine ? "worker: SIGTERM, stopping" : "app: SIGTERM, finishing"), "\(stoppedLogs)")
    }

    /// Orphans inside the container are re-parented to swinit (PID 1), which reaps them: once they have
    /// all exited, no zombie is left in /proc.
    @Test(arguments: InitRoute.allCases) func zombiesInsideTheContainerAreReaped(route: InitRoute) throws {
        let image = try ContainerImage.shared()
        let script = #"""
            i=0
            while [ $i -lt 10 ]; do sh -c 'sleep 1 &'; i=$((i + 1)); done
            orphans=$(grep -l '^PPid:[[:space:]]*1$' /proc/[0-9]*/status 2>/dev/null | wc -l)
            tries=0
            while [ $tries -lt 100 ]; do
                alive=$(grep -l '^Name:[[:space:]]*sleep$' /proc/[0-9]*/status 2>/dev/null | wc -l)
                zombies=$(grep -l '^State:[[:space:]]*Z' /proc/[0-9]*/status 2>/dev/null | wc -l)
                [ "$alive" = 0 ] && [ "$zombies" = 0 ] && break
                sleep 0.1; tries=$((tries + 1))
            done
            echo "orphans=$orphans alive=$alive zombies=$zombies"
            """#
        let result = try Container.runToEnd(image: image, route: route, arguments: ["sh", "-c", script], timeout: 60)
        #expect(result.status == 0, "\(result.stderr)")
        let line = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
        // Our sh is PID 1's child too, so at least the 10 orphans plus it.
        let orphans = Int(line.split(separator: " ").first?.split(separator: "=").last ?? "") ?? 0
        #expect(orphans >= 11, "the orphans were not re-parented to PID 1: \(line)")
        #expect(line.hasSuffix("alive=0 zombies=0"), "\(line)\n\(result.stderr)")
    }

    /// What a user of swinit as podman's `--init` sees: swinit is PID 1 as podman starts its init
    /// (`/run/podman-init -- CMD`), and the container exits with the child's code, 128+N for a signal.
    @Test(
        arguments: [InitRoute.initPath, .containersConf],
        [(#"tr '\0' ' ' < /proc/1/cmdline; echo; exit 3"#, Int32(3)), ("kill -TERM $$", Int32(143))])
    func initKeepsTheChildsExitCode(route: InitRoute, run: (String, Int32)) throws {
        let (script, expected) = run
        let image = try ContainerImage.shared()
        let result = try Container.runToEnd(image: image, route: route, arguments: ["sh", "-c", script], timeout: 60)
        #expect(result.status == expected, "\(result)")
        if expected == 3 { #expect(result.stdout.hasPrefix("/run/podman-init -- sh -c "), "\(result)") }
    }

    /// The init podman bind-mounts is this swinit, not podman's own catatonit: swinit's options reach it
    /// through the container's environment (`-e SWINIT_VERBOSITY=2`), and it logs the child's start and end.
    @Test(arguments: [InitRoute.initPath, .containersConf])
    func theInitIsSwinitAndReadsItsEnvironment(route: InitRoute) throws {
        let image = try ContainerImage.shared()
        let result = try Container.runToEnd(
            image: image, route: route, options: ["-e", "SWINIT_VERBOSITY=2"],
            arguments: ["sh", "-c", "exit 4"], timeout: 60)
        #expect(result.status == 4, "\(result)")
        #expect(result.stderr.contains("[INFO  swinit (1)] Spawned child process 'sh'"), "\(result)")
        #expect(result.stderr.contains("[INFO  swinit (1)] Main child exited normally (with status '4')"), "\(result)")
    }
}

/// How swinit becomes the container's PID 1: as the image's ENTRYPOINT, or bind-mounted by podman from the
/// host in front of the image's command with `podman run --init`, named by `--init-path PATH` or by
/// `init_path` in containers.conf (what Docker's `dockerd --init-path` is to `docker run --init`).
enum InitRoute: CaseIterable, Sendable, CustomStringConvertible {
    case entrypoint, initPath, containersConf

    var description: String {
        switch self {
        case .entrypoint: "ENTRYPOINT"
        case .initPath: "--init --init-path"
        case .containersConf: "--init, init_path in containers.conf"
        }
    }

    /// The `podman run` flags that make this route; `arguments` are then the whole command. The image's
    /// ENTRYPOINT is swinit itself: the --init routes clear it, so the bind-mounted swinit runs the command.
    var runFlags: [String] {
        switch self {
        case .entrypoint: []
        case .initPath: ["--init", "--init-path", ContainerImage.swinitPath, "--entrypoint", ""]
        case .containersConf: ["--init", "--entrypoint", ""]
        }
    }

    /// What podman's environment adds for this route: CONTAINERS_CONF, a containers.conf of its own.
    var environment: [String: String] {
        self == .containersConf ? ["CONTAINERS_CONF": ContainerImage.containersConf] : [:]
    }
}

// MARK: - podman plumbing

/// podman with the flags that work on these machines (vfs storage, cgroupfs, runc; the default
/// rlimits exceed the hard limits here).
enum Podman {
    static let path = "/usr/bin/podman"
    static let global = ["--storage-driver", "vfs", "--cgroup-manager", "cgroupfs", "--runtime", "runc"]
    static let runFlags = ["--network", "none", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"]

    /// `podman run` leaves conmon running for the container's life with every inherited descriptor, so
    /// without closing them the run would look unfinished until the container ends (see
    /// ``Harness/closeInheritedDescriptors``). Closes all but 0-2, then execs "$@".
    static let closeInheritedDescriptors = Harness.closeInheritedDescriptors + #" exec "$@""#

    static var runcPath: String? {
        Harness.executable("/usr/sbin/runc", "/usr/bin/runc", "/usr/local/sbin/runc", "/usr/local/bin/runc")
    }

    /// Runs `podman GLOBAL arguments`, bounded; fails the test (throws) on a non-zero exit unless `check` is false.
    @discardableResult
    static func run(
        _ arguments: [String], environment: [String: String] = [:], timeout: Double = 60, check: Bool = true,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> ProgramRun {
        let result = try Harness.run(
            "/bin/bash", ["-c", closeInheritedDescriptors, "podman", path] + global + arguments,
            environment: environment.isEmpty
                ? nil
                : ProcessInfo.processInfo.environment.merging(environment) { $1 },
            timeout: timeout, sourceLocation: sourceLocation)
        if check && result.status != 0 {
            Issue.record(
                "podman \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)",
                sourceLocation: sourceLocation)
            throw ContainerTestError(message: "podman failed")
        }
        return result
    }
}

struct ContainerTestError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// The test image, built once per test run from Dockerfiles/Dockerfile.test.
enum ContainerImage {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var built: Result<String, ContainerTestError>?
    nonisolated(unsafe) private static var swinitUsed = ""

    /// The static swinit the image holds, on the host: what `podman run --init-path` bind-mounts. Valid
    /// once ``shared(sourceLocation:)`` has returned.
    static var swinitPath: String {
        lock.lock()
        defer { lock.unlock() }
        return swinitUsed
    }

    /// A containers.conf whose `init_path` is ``swinitPath``, written once per test run.
    static let containersConf: String = {
        let path = (try? Harness.temporaryDirectory()).map { $0 + "/containers.conf" } ?? "/nonexistent/containers.conf"
        try? "[containers]\ninit_path = \"\(swinitPath)\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }()

    static var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    /// The image tag; skips (or, under PROCESSKIT_REQUIRE_ALL=1, fails) when containers cannot run here.
    static func shared(sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try Harness.require(
            geteuid() == 0, "container tests need root (rootful podman with runc)",
            sourceLocation: sourceLocation)
        try Harness.require(
            FileManager.default.isExecutableFile(atPath: Podman.path),
            "podman is not installed (apt-get install podman)", sourceLocation: sourceLocation)
        try Harness.require(
            Podman.runcPath != nil, "runc is not installed (apt-get install runc)",
            sourceLocation: sourceLocation)
        try Harness.require(
            Harness.executable("/bin/busybox", "/usr/bin/busybox") != nil,
            "busybox is not installed (apt-get install busybox-static)", sourceLocation: sourceLocation)
        lock.lock()
        defer { lock.unlock() }
        if built == nil { built = build() }
        switch built! {
        case .success(let tag): return tag
        case .failure(let error):
            Issue.record("the container test image could not be built: \(error.message)", sourceLocation: sourceLocation)
            throw error
        }
    }

    /// True when `file` calls `path` statically linked.
    private static func isStatic(_ path: String) -> Bool {
        guard FileManager.default.isExecutableFile(atPath: path),
            let result = try? Harness.run("/usr/bin/file", ["-bL", path], timeout: 30)
        else { return false }
        return result.stdout.contains("statically linked")
    }

    private static func build() -> Result<String, ContainerTestError> {
        do {
            let environment = ProcessInfo.processInfo.environment
            var swinit = environment["SWINIT_BIN"] ?? "", rebound = environment["REBOUND_BIN"] ?? ""
            if !(isStatic(swinit) && isStatic(rebound)) {
                // The debug binaries cannot run in a FROM-scratch image: use (and refresh) dist/.
                let build = try Harness.run(packageRoot + "/scripts/build-static", [], timeout: 900)
                guard build.status == 0 else {
                    return .failure(ContainerTestError(message: "scripts/build-static failed: \(build.stdout)\n\(build.stderr)"))
                }
                swinit = packageRoot + "/dist/swinit"
                rebound = packageRoot + "/dist/rebound"
            }
            swinitUsed = swinit
            guard let busybox = Harness.executable("/bin/busybox", "/usr/bin/busybox"), isStatic(busybox) else {
                return .failure(ContainerTestError(message: "busybox is not the static one (apt-get install busybox-static)"))
            }
            let context = try Harness.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: context) }
            let files = FileManager.default
            try files.createDirectory(atPath: context + "/dist", withIntermediateDirectories: true)
            try files.copyItem(atPath: swinit, toPath: context + "/dist/swinit")
            try files.copyItem(atPath: rebound, toPath: context + "/dist/rebound")
            try files.copyItem(atPath: busybox, toPath: context + "/busybox")
            let dockerfile = packageRoot + "/Dockerfiles/Dockerfile.test"
            let hash = try Harness.run(
                "/usr/bin/sha256sum",
                [
                    dockerfile, context + "/dist/swinit",
                    context + "/dist/rebound", context + "/busybox",
                ], timeout: 30)
            let digest = String(hash.stdout.split(separator: "\n").map { $0.prefix(16) }.joined().prefix(16))
            let tag = "localhost/processkit-test:" + digest
            if try Podman.run(["image", "exists", tag], check: false).status == 0 { return .success(tag) }
            let result = try Podman.run(["build", "-q", "-f", dockerfile, "-t", tag, context], timeout: 300, check: false)
            guard result.status == 0 else {
                return .failure(ContainerTestError(message: "podman build: \(result.stderr)"))
            }
            return .success(tag)
        } catch {
            return .failure(ContainerTestError(message: "\(error)"))
        }
    }
}

/// A detached container with a unique name (and, given a volume, a host folder mounted at /data); `remove()` it in a defer.
struct Container {
    let name: String

    init(
        image: String, volume: String? = nil, entrypoint: String? = nil, route: InitRoute = .entrypoint,
        arguments: [String], sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        name = "processkit-test-" + UUID().uuidString.prefix(12).lowercased()
        var run = ["run", "-d", "--name", name] + Podman.runFlags + route.runFlags
        if let volume { run += ["-v", volume + ":/data"] }
        if let entrypoint { run += ["--entrypoint", entrypoint] }
        do {
            try Podman.run(run + [image] + arguments, environment: route.environment, sourceLocation: sourceLocation)
        } catch {
            remove()
            throw error
        }
    }

    /// `podman run --rm [options] image arguments` to the end, bounded; its output and exit code.
    static func runToEnd(
        image: String, route: InitRoute = .entrypoint, options: [String] = [], arguments: [String],
        timeout: Double
    ) throws -> ProgramRun {
        let name = "processkit-test-" + UUID().uuidString.prefix(12).lowercased()
        defer { _ = try? Podman.run(["rm", "-f", "-t", "0", name], timeout: 60, check: false) }
        return try Podman.run(
            ["run", "--rm", "--name", name] + Podman.runFlags + route.runFlags + options + [image] + arguments,
            environment: route.environment, timeout: timeout, check: false)
    }

    /// `podman stop -t grace`; how long it took.
    func stop(grace: Int) throws -> (result: ProgramRun, seconds: Double) {
        let start = ContinuousClock.now
        let result = try Podman.run(["stop", "-t", String(grace), name], timeout: Double(grace) + 60)
        return (result, seconds(ContinuousClock.now - start))
    }

    func exitCode() throws -> Int32? {
        Int32(
            try Podman.run(["inspect", "--format", "{{.State.ExitCode}}", name]).stdout
                .trimmingCharacters(in: .whitespacesAndNewlines))
    }

    func restartCount() throws -> Int? {
        Int(
            try Podman.run(["inspect", "--format", "{{.RestartCount}}", name]).stdout
                .trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// stdout and stderr of the container.
    func logs() throws -> String {
        let result = try Podman.run(["logs", name])
        return result.stdout + result.stderr
    }

    /// The logs, with pids written as "pid P", once `text` stands in them `count` times, or after
    /// `timeout` seconds (then the caller's check of the returned logs fails and shows them).
    func waitForLog(_ text: String, count: Int = 1, timeout: Double) throws -> String {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while true {
            let logs = try logs().replacingOccurrences(of: "pid [0-9]+", with: "pid P", options: .regularExpression)
            if logs.components(separatedBy: text).count - 1 >= count || ContinuousClock.now >= deadline { return logs }
            usleep(100_000)
        }
    }

    func remove() {
        _ = try? Podman.run(["rm", "-f", "-t", "0", name], timeout: 60, check: false)
    }
}
