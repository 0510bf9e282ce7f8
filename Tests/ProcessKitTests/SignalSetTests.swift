import CProcessKit
import Foundation
import Testing
@testable import ProcessKit

@Suite struct SignalSetTests {
    let rtmin = pk_sigrtmin()

    @Test func bitsStandForSignalNumbers() {
        #expect(SignalSet([.hangup]).bits == 1)
        #expect(SignalSet([.terminate]).bits == 1 << 14)
        #expect(SignalSet([Signal(rawValue: 64)!]).bits == 1 << 63)
        #expect(SignalSet(bits: 0b101).map(\.rawValue) == [1, 3])
        #expect(SignalSet.all.bits == ~0)
        #expect(Array(SignalSet.all).count == 64)
        #expect(SignalSet().isEmpty && !SignalSet([.kill]).isEmpty)
    }

    @Test func algebra() {
        let a: SignalSet = [.hangup, .interrupt, .terminate]
        let b: SignalSet = [.terminate, .user1]
        #expect(a.union(b) == [.hangup, .interrupt, .terminate, .user1])
        #expect(a.intersection(b) == [.terminate])
        #expect(a.symmetricDifference(b) == [.hangup, .interrupt, .user1])
        #expect(a.subtracting(b) == [.hangup, .interrupt])
        #expect(a.isSuperset(of: [.hangup, .terminate]))
        #expect(SignalSet([.terminate]).isSubset(of: b))
        #expect(a.isDisjoint(with: [.user2, .kill]))
        #expect(!a.isDisjoint(with: b))
        var c = a
        c.formUnion(b)
        #expect(c == a.union(b))
        c.formIntersection(b)
        #expect(c == b)
        c.formSymmetricDifference([.user1, .user2])
        #expect(c == [.terminate, .user2])
    }

    @Test func insertRemoveUpdate() {
        var set = SignalSet()
        let first = set.insert(.terminate)
        #expect(first.inserted && first.memberAfterInsert == .terminate)
        #expect(!set.insert(.terminate).inserted)
        #expect(set.contains(.terminate) && !set.contains(.kill))
        #expect(set.update(with: .kill) == nil)
        #expect(set.update(with: .kill) == .kill)
        #expect(set.remove(.hangup) == nil)
        #expect(set.remove(.terminate) == .terminate)
        #expect(set == [.kill])
    }

    @Test func iteratesInAscendingOrderAndDescribesByName() {
        let set: SignalSet = [.terminate, .hangup, Signal(rawValue: 64)!, .child]
        #expect(set.map(\.rawValue) == [1, 15, 17, 64])
        #expect(SignalSet([.terminate, .hangup]).description == "[SIGHUP, SIGTERM]")
        #expect(SignalSet().description == "[]")
    }

    @Test func catchableLeavesOutKillStopAndTheLibraryRealtimeSignals() {
        let catchable = SignalSet.catchable
        #expect(!catchable.contains(.kill) && !catchable.contains(.stop))
        for number in Int32(32)..<rtmin { #expect(!catchable.contains(Signal(rawValue: number)!)) }
        #expect(catchable.contains(.terminate) && catchable.contains(.child) && catchable.contains(.realtimeMinimum))
        #expect(catchable.contains(.realtimeMaximum))
        let expectedCount = 64 - 2 - Int(rtmin - 32)
        #expect(Array(catchable).count == expectedCount)
        #expect(SignalSet.synchronousFaults.isSubset(of: catchable))
        #expect(SignalSet.synchronousFaults.contains(.segmentationFault))
    }

    /// sigset_t conversion keeps every signal the C library lets a program name (all but 32 and 33).
    @Test func sigsetRoundTrip() {
        let samples: [SignalSet] = [
            [], [.hangup], [.terminate, .user1, .child], [.realtimeMinimum, .realtimeMaximum],
            SignalSet.catchable, SignalSet.catchable.union([.kill, .stop]), SignalSet(bits: 0xAAAA_AAA0_5555_5555),
        ]
        for set in samples {
            let library = set.subtracting(SignalSet((32..<rtmin).map { Signal(rawValue: $0)! }))
            #expect(SignalSet(set.cValue) == library, "\(set)")
            var c = set.cValue
            for signal in library { #expect(sigismember(&c, signal.rawValue) == 1) }
            for signal in SignalSet.all.subtracting(set) { #expect(sigismember(&c, signal.rawValue) != 1) }
        }
        var filled = sigset_t()
        sigfillset(&filled)
        #expect(SignalSet(filled).isSuperset(of: .catchable))
    }

    /// The ignored signals read in one pass are those whose disposition, asked one by one, is "ignore".
    @Test func currentlyIgnoredAgreesWithEachDisposition() {
        let oneByOne = SignalSet(SignalSet.catchable.filter { $0.disposition == .ignore })
        #expect(SignalSet.currentlyIgnored().intersection(.catchable) == oneByOne)
    }

    /// Blocks and unblocks on this thread, and puts the mask back as it was afterwards. (The test
    /// runner's threads start with most signals blocked, so the chosen ones are unblocked first.)
    @Test func blockAndUnblockChangeTheThreadMask() throws {
        let realtime = Signal(rawValue: pk_sigrtmax() - 2)!
        let chosen: SignalSet = [.user2, realtime]
        let original = SignalSet.currentMask()
        defer { _ = try? original.setAsMask() }
        let base = original.subtracting(chosen)
        try base.setAsMask()
        #expect(SignalSet.currentMask() == base)

        let beforeBlock = try chosen.block()
        #expect(beforeBlock == base)
        #expect(SignalSet.currentMask() == base.union(chosen))

        let beforeUnblock = try SignalSet([.user2]).unblock()
        #expect(beforeUnblock == base.union(chosen))
        #expect(SignalSet.currentMask() == base.union([realtime]))

        let beforeSet = try base.union([.user2]).setAsMask()
        #expect(beforeSet == base.union([realtime]))
        #expect(SignalSet.currentMask() == base.union([.user2]))

        try original.setAsMask()
        #expect(SignalSet.currentMask() == original)
    }

    /// SIGKILL and SIGSTOP cannot be blocked: asking to is not an error, the kernel just leaves them out.
    @Test func killAndStopStayUnblocked() throws {
        let original = SignalSet.currentMask()
        defer { _ = try? original.setAsMask() }
        try SignalSet([.kill, .stop, .user2]).block()
        let mask = SignalSet.currentMask()
        #expect(mask.contains(.user2))
        #expect(!mask.contains(.kill) && !mask.contains(.stop))
    }

    /// A signal blocked and sent to this thread is taken by a SignalWaiter, not delivered.
    @Test func waiterTakesABlockedSignal() throws {
        let signal = Signal(rawValue: pk_sigrtmax() - 1)!
        let original = SignalSet.currentMask()
        defer { _ = try? original.setAsMask() }
        let waiter = try SignalWaiter(blocking: [signal])
        #expect(waiter.previousMask == original)
        #expect(try waiter.wait(until: .after(.seconds(0))) == nil)
        #expect(pthread_kill(pthread_self(), signal.rawValue) == 0)
        let received = try waiter.wait(until: .after(.seconds(2)))
        #expect(received?.signal == signal)
        #expect(received?.senderPID == getpid())
    }
}
