import Foundation
import Testing
import TestSupport

/// rebound when its machine runs out of what starting a child takes: the log names the step that
/// failed, and a child that never ran is not reported as one that exited. The child is busybox, linked
/// statically, so that it needs no file descriptor to load.
@Suite struct StartFailureIntegrationTests {
    /// The log of `rebound -r 2 -d 1 -- busybox false`, with `limit` (a prlimit option) set on it
    /// with `prlimit --pid` once it runs (its first child started), so that only the restarts meet it.
    func reboundLog(limit: String) throws -> ProgramRun {
        try Harness.require(FileManager.default.isExecutableFile(atPath: "/bin/busybox"), "needs busybox-static at /bin/busybox")
        return try Harness.shell(
            """
            cd "$(mktemp -d)" && chmod 755 .
            "$REBOUND" -r 2 -d 1 -- /bin/busybox false 2>log & pid=$!
            i=0; until grep -q 'restarting (1)' log || [ $i -ge 600 ]; do sleep 0.05; i=$((i+1)); done
            prlimit --pid $pid \(limit)
            wait $pid; echo "exit $?" >> log
            cat log
            """)
    }

    /// No fd left for the child's pidfd: clone failed and was logged as `fork failed: Too many open
    /// files`, then as `child (pid 0) exited with status 1`. Now the child starts without a pidfd.
    /// Not under a sanitizer: its runtime holds descriptors of its own in rebound, so the table is
    /// full at another count than this test sets.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["PROCESSKIT_SANITIZER"] == nil))
    func aFullFileDescriptorTableStillStartsTheChild() throws {
        let result = try reboundLog(limit: "--nofile=3:3")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(!result.stdout.contains("fork failed") && !result.stdout.contains("pid 0"), "\(lines)")
        #expect(
            lines.filter { $0.hasPrefix("rebound: child (pid ") && $0.contains("exited with status 1") }.count == 3, "\(lines)")
        #expect(lines.last == "exit 1", "\(lines)")
    }

    /// No process left for the user (RLIMIT_NPROC 1 for a uid of rebound's own): every fork fails; said
    /// each time, and no "child (pid 0) exited with status 1" for a child that never ran.
    @Test func aFailedForkIsNotLoggedAsAChildThatExited() throws {
        try Harness.requireNative("at the process limit qemu cannot start its own threads and aborts")
        try Harness.require(FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), "needs setpriv")
        let result = try Harness.shell(
            """
            cd "$(mktemp -d)" && chmod 755 .
            prlimit --nproc=1:1 setpriv --reuid=61021 --regid=61021 --clear-groups "$REBOUND" -r 2 -d 0.2 -- /bin/busybox false 2>&1
            echo "exit $?"
            """)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(!result.stdout.contains("pid 0"), "\(lines)")
        #expect(lines.contains("rebound: cannot start /bin/busybox: fork failed: Resource temporarily unavailable"), "\(lines)")
        #expect(lines.contains("rebound: no child could be started, restarting (2)"), "\(lines)")
        #expect(
            lines.suffix(3) == ["rebound: no child could be started", "rebound: max restarts (2) reached, exiting", "exit 1"],
            "\(lines)")
    }
}
