import CProcessKit
import Foundation
import Testing
@testable import ProcessKit

/// What a child starts with by default: an empty signal mask and every signal at its default action,
/// whatever the spawning thread blocks or this process ignores, and only fds 0-2; the `.inherit`
/// choices give the old behaviour back. And spawning is safe from many threads at once.
@Suite struct CleanChildTests {
    /// SigBlk and SigIgn of a running child, from /proc.
    func masks(of command: Command) throws -> (blocked: SignalSet, ignored: SignalSet) {
        var command = command
        command.programBytes = Array("sleep".utf8)
        command.argumentBytes = [Array("30".utf8)]
        let child = try command.spawn()
        defer { _ = try? child.tearDown(.kill) }
        let status = try String(contentsOfFile: "/proc/\(child.pid)/status", encoding: .utf8)
        func field(_ name: String) -> SignalSet {
            let line = status.split(separator: "\n").first { $0.hasPrefix(name + ":") } ?? ""
            return SignalSet(bits: UInt64(line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces), radix: 16) ?? ~0)
        }
        return (field("SigBlk"), field("SigIgn"))
    }

    /// Run on a thread that blocks most signals (as pool threads do): the child still starts with
    /// nothing blocked and nothing ignored. (A process that ignores signals is checked by
    /// ForegroundAndDispositionTests: the test runner must not ignore any, its other tests' children
    /// would inherit that.)
    @Test func emptyMaskAndDefaultDispositionsWhateverTheCallerHas() throws {
        let blocked: SignalSet = [.terminate, .interrupt, .user1, .hangup, .alarm]
        let previousMask = try blocked.block()
        defer { _ = try? previousMask.setAsMask() }

        let clean = try masks(of: Command("sleep"))
        #expect(clean.blocked.isEmpty, "SigBlk \(clean.blocked)")
        #expect(clean.ignored.isEmpty, "SigIgn \(clean.ignored)")

        var inheriting = Command("sleep")
        inheriting.signalMask = .inherit
        let inherited = try masks(of: inheriting)
        #expect(inherited.blocked.isSuperset(of: blocked), "SigBlk \(inherited.blocked)")
    }

    /// A timeout's SIGTERM reaches a child spawned from a thread that blocks SIGTERM.
    @Test func aTimeoutWorksFromAThreadThatBlocksSIGTERM() throws {
        let previousMask = try SignalSet([.terminate]).block()
        defer { _ = try? previousMask.setAsMask() }
        let result = try Command("sleep", arguments: ["30"]).run(
            timeout: .milliseconds(200), teardown: Teardown([.signal(.terminate), .wait(.seconds(20))]))
        #expect(result.status == .signaled(.terminate, coreDumped: false))
    }

    /// 8 threads start 500 children each at once: every one runs and is reaped with its own status.
    /// (That no fd is left over is counted in a process of its own, ForegroundAndDispositionTests: this
    /// one's other tests open and close fds all the while.)
    @Test func spawningFromManyThreadsAtOnce() throws {
        let failures = ConcurrentResults<String>(count: 8)
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for index in 0..<500 {
                let code = Int32((thread * 500 + index) % 200)
                do {
                    let child = try Command("/bin/sh", arguments: ["-c", "exit \(code)"]).spawn()
                    let status = try child.wait()
                    if status != .exited(code: code) { failures[thread] = "child \(index): \(status)"; return }
                } catch {
                    failures[thread] = "child \(index): \(error)"
                    return
                }
            }
        }
        #expect(failures.values.allSatisfy { $0 == nil }, "\(failures.values.compactMap { $0 })")
    }
}
