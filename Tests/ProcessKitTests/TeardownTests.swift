import Foundation
import Testing
import TestSupport
@testable import ProcessKit

/// Teardown sequences, on their own and as run()'s timeout: each step in order, ending early once the
/// child is gone, and SIGKILL at the end for a child that ignores everything else.
@Suite struct TeardownTests {
    /// A shell that reports each signal it gets (on its stdout) and ignores it, until SIGKILL.
    static let stubborn = #"for s in TERM INT HUP USR1; do trap "echo $s" $s; done; echo ready; "# + giveUp()

    /// How a child that ignores SIGTERM ends the wait when the final SIGKILL never comes: it gives up
    /// by itself after 400 naps of 50 ms, exiting 9 (after writing `marker`, if given), so such a
    /// test fails (its child exited 9 instead of dying of SIGKILL) instead of waiting for ever.
    static func giveUp(marking marker: String? = nil) -> String {
        #"i=0; while [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done; "# + (marker.map { "echo gave-up > \($0); " } ?? "")
            + "exit 9"
    }

    /// The stepper alone, on a clock of its own: signals up to each wait at once, nothing before a
    /// wait has ended, SIGKILL after the last step, then nothing more.
    @Test func progressTakesTheStepsAsTheyComeDue() {
        var sent: [Signal] = []
        var progress = TeardownProgress(
            Teardown([.signal(.interrupt), .signal(.terminate), .wait(.seconds(2)), .signal(.user1), .wait(.seconds(1))]))
        let start = Deadline(nanoseconds: 1_000_000_000)
        func at(_ seconds: Double) -> Deadline { Deadline(nanoseconds: start.nanoseconds + Int64(seconds * 1e9)) }
        #expect(progress.advance(now: start) { sent.append($0) } == at(2))
        #expect(sent == [.interrupt, .terminate])
        #expect(progress.advance(now: at(1.5)) { sent.append($0) } == at(2), "not due yet: nothing sent")
        #expect(sent == [.interrupt, .terminate])
        #expect(progress.advance(now: at(2)) { sent.append($0) } == at(3))
        #expect(sent == [.interrupt, .terminate, .user1] && !progress.isFinished)
        #expect(progress.advance(now: at(3)) { sent.append($0) } == nil)
        #expect(sent == [.interrupt, .terminate, .user1, .kill] && progress.isFinished)
        #expect(progress.advance(now: at(9)) { sent.append($0) } == nil)
        #expect(sent.count == 4)
    }

    @Test func eachSignalThenKill() throws {
        var command = Command("/bin/sh", arguments: ["-c", Self.stubborn])
        command.standardOutput = .pipe
        let child = try command.spawn()
        let output = child.standardOutput
        #expect(try output.read(upToCount: 6) == Array("ready\n".utf8))
        let started = Deadline.now
        let status = try child.tearDown(
            Teardown([.signal(.terminate), .wait(.milliseconds(500)), .signal(.user1), .wait(.milliseconds(500))]))
        let took = started.elapsed
        #expect(status == .signaled(.kill, coreDumped: false), "no SIGKILL after the last step: the child gave up by itself")
        #expect(took >= .milliseconds(900) && took < .seconds(20), "took \(took)")
        #expect(try output.readToEnd(limit: 100).bytes == Array("TERM\nUSR1\n".utf8))
    }

    /// A child that exits on the first signal ends the teardown there: no wait, no SIGKILL.
    @Test func endsAsSoonAsTheChildHasExited() throws {
        let child = try Command("sleep", arguments: ["30"]).spawn()
        let started = Deadline.now
        let status = try child.tearDown(Teardown([.signal(.terminate), .wait(.seconds(20))]))
        #expect(status == .signaled(.terminate, coreDumped: false))
        #expect(started.elapsed < .seconds(10))
    }

    /// A first wait gives the child time to end by itself.
    @Test func anInitialWaitLetsItFinish() throws {
        let child = try Command("/bin/sh", arguments: ["-c", "sleep 0.2; exit 4"]).spawn()
        #expect(try child.tearDown(Teardown([.wait(.seconds(30)), .signal(.terminate)])) == .exited(code: 4))
    }

    @Test func runWithATimeoutTearsDownAndSaysSo() throws {
        let started = Deadline.now
        let result = try Command("/bin/sh", arguments: ["-c", "echo started; exec sleep 30"]).run(timeout: .milliseconds(300))
        #expect(result.timedOut)
        #expect(result.status == .signaled(.terminate, coreDumped: false))
        #expect(result.standardOutputText == "started\n")
        #expect(started.elapsed < .seconds(10))
    }

    /// The timeout's teardown keeps reading output meanwhile: a child that writes a lot while it
    /// shuts down is not stuck on a full pipe, and what it wrote is kept.
    @Test func runTimeoutKeepsReadingWhileTheChildShutsDown() throws {
        let script = #"trap 'head -c 1000000 /dev/zero; exit 3' TERM; echo up; "# + Self.giveUp()
        let result = try Command("/bin/sh", arguments: ["-c", script])
            .run(timeout: .milliseconds(300), teardown: Teardown([.signal(.terminate), .wait(.seconds(30))]))
        #expect(result.timedOut)
        #expect(result.status == .exited(code: 3))
        #expect(result.standardOutput.count == 3 + 1_000_000)
    }

    /// A child that ignores SIGTERM is killed after the teardown's wait.
    @Test func runTimeoutEndsInKill() throws {
        let result = try Command("/bin/sh", arguments: ["-c", "trap '' TERM; " + Self.giveUp()])
            .run(timeout: .milliseconds(200), teardown: Teardown([.signal(.terminate), .wait(.milliseconds(300))]))
        #expect(
            result.timedOut && result.status == .signaled(.kill, coreDumped: false),
            "\(result.status): no SIGKILL after the teardown's wait")
    }

    /// With signalsProcessGroup the whole group the child leads gets each signal, so what it started stops too.
    @Test func toTheWholeProcessGroup() throws {
        // The grandchild's sleep outlasts the wait below, so only the group's SIGTERM ends it in time.
        var command = Command("/bin/sh", arguments: ["-c", "sleep 300 & echo $!; wait"])
        command.processGroup = .new
        command.standardOutput = .pipe
        let child = try command.spawn()
        let line = String(decoding: try child.standardOutput.read(upToCount: 32), as: UTF8.self)
        let grandchild = try #require(Int32(line.trimmingCharacters(in: .whitespacesAndNewlines)))
        _ = try child.tearDown(Teardown([.signal(.terminate), .wait(.seconds(10))], signalsProcessGroup: true))
        // The grandchild was ours too (sh's child); it got SIGTERM as well: gone within the bound.
        let deadline = Deadline.after(.seconds(60 * Harness.slowdown))
        while kill(grandchild, 0) == 0, !deadline.hasPassed { usleep(10_000) }
        #expect(kill(grandchild, 0) != 0, "the group member \(grandchild) survived")
        _ = kill(grandchild, SIGKILL)
    }
}
