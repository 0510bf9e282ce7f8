import CProcessKit

/// A set of signals as a value, with set algebra, that converts to and from the C `sigset_t`
/// and reads or changes the calling thread's signal mask.
///
/// ```swift
/// let forwarded = SignalSet.catchable.subtracting([.child])
/// let previous = try forwarded.block()
/// ```
public struct SignalSet: SetAlgebra, Hashable, Sendable, Sequence, CustomStringConvertible {
    /// A set holds signals.
    public typealias Element = Signal

    /// Bit n-1 stands for signal n.
    public private(set) var bits: UInt64

    /// The empty set.
    public init() { bits = 0 }

    /// The set whose bit n-1 stands for signal n.
    public init(bits: UInt64) { self.bits = bits }

    /// Every signal number 1...64.
    public static let all = SignalSet(bits: ~0)

    /// Every signal a process can block, ignore or wait for: all but SIGKILL and SIGSTOP, and
    /// without 32 and 33, which glibc and musl keep for their threads. musl keeps 34 as well, but
    /// there it is glibc's SIGRTMIN, which the programs a static supervisor runs send and expect
    /// to be passed on.
    public static var catchable: SignalSet {
        SignalSet(bits: all.subtracting([.kill, .stop]).bits & ~libraryInternalBits)
    }

    /// Signals the kernel raises synchronously for a fault in the process itself; blocking them
    /// turns a crash into a hang, so an init leaves them unblocked.
    public static let synchronousFaults: SignalSet = [
        .segmentationFault, .busError, .floatingPointException, .illegalInstruction, .abort, .trap, .badSystemCall,
    ]

    static func bit(_ signal: Signal) -> UInt64 { 1 << UInt64(signal.rawValue - 1) }

    /// Whether `member` is in the set.
    public func contains(_ member: Signal) -> Bool { bits & SignalSet.bit(member) != 0 }
    /// The signals in either set.
    public func union(_ other: SignalSet) -> SignalSet { SignalSet(bits: bits | other.bits) }
    /// The signals in both sets.
    public func intersection(_ other: SignalSet) -> SignalSet { SignalSet(bits: bits & other.bits) }
    /// The signals in exactly one of the two sets.
    public func symmetricDifference(_ other: SignalSet) -> SignalSet { SignalSet(bits: bits ^ other.bits) }
    /// Adds the signals of `other`.
    public mutating func formUnion(_ other: SignalSet) { bits |= other.bits }
    /// Keeps only the signals that are also in `other`.
    public mutating func formIntersection(_ other: SignalSet) { bits &= other.bits }
    /// Keeps the signals in exactly one of the two sets.
    public mutating func formSymmetricDifference(_ other: SignalSet) { bits ^= other.bits }

    /// Adds `newMember`; whether it was new, and the member.
    @discardableResult
    public mutating func insert(_ newMember: Signal) -> (inserted: Bool, memberAfterInsert: Signal) {
        (update(with: newMember) == nil, newMember)
    }

    /// Removes `member`; it, or nil when it was not in the set.
    @discardableResult
    public mutating func remove(_ member: Signal) -> Signal? {
        guard contains(member) else { return nil }
        bits &= ~SignalSet.bit(member)
        return member
    }

    /// Adds `newMember`; it, when it was already in the set, or nil.
    @discardableResult
    public mutating func update(with newMember: Signal) -> Signal? {
        let had = contains(newMember)
        bits |= SignalSet.bit(newMember)
        return had ? newMember : nil
    }

    /// The signals in ascending order.
    public func makeIterator() -> Iterator { Iterator(remaining: bits) }

    /// Goes through a set's signals in ascending order.
    public struct Iterator: IteratorProtocol {
        var remaining: UInt64
        /// The next signal, or nil after the last.
        public mutating func next() -> Signal? {
            guard remaining != 0 else { return nil }
            let index = remaining.trailingZeroBitCount
            remaining &= remaining - 1
            return Signal(Int32(index + 1))
        }
    }

    /// The signals' names in ascending order, e.g. `[SIGINT, SIGTERM]`.
    public var description: String { "[" + map { $0.name }.joined(separator: ", ") + "]" }

    // MARK: sigset_t

    /// The same set as a C `sigset_t`.
    ///
    /// Signals 32 and 33 are left out: the C library's threads need them (glibc's thread cancellation
    /// and set-id calls), and its own `sigaddset()` refuses them. musl's refuses 34 as well, which is
    /// glibc's SIGRTMIN and a signal like any other to the programs a supervisor runs; it stays in.
    public var cValue: sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        // glibc and musl both keep signal n in bit n-1 of the set's first 64 bits, as the kernel does.
        withUnsafeMutableBytes(of: &set) { $0.storeBytes(of: bits & ~SignalSet.libraryInternalBits, as: UInt64.self) }
        return set
    }

    /// Signals 32 and 33, which glibc and musl keep for their threads.
    static let libraryInternalBits: UInt64 = 0b11 << 31

    /// The set a C `sigset_t` holds.
    public init(_ cValue: sigset_t) {
        // glibc and musl both keep signal n in bit n-1 of the set's first 64 bits, as the kernel does, and
        // their sigismember() reads just that bit: one load instead of 64 calls.
        bits = withUnsafeBytes(of: cValue) { $0.loadUnaligned(as: UInt64.self) }
    }

    // MARK: The signal mask

    /// The calling thread's blocked signals.
    public static func currentMask() -> SignalSet { (try? changeMask(SIG_BLOCK, [])) ?? [] }

    /// Adds these signals to the mask; returns the mask as it was.
    @discardableResult
    public func block() throws(Errno) -> SignalSet { try SignalSet.changeMask(SIG_BLOCK, self) }

    /// Removes these signals from the mask; returns the mask as it was.
    @discardableResult
    public func unblock() throws(Errno) -> SignalSet { try SignalSet.changeMask(SIG_UNBLOCK, self) }

    /// Makes exactly these signals the mask; returns the mask as it was.
    @discardableResult
    public func setAsMask() throws(Errno) -> SignalSet { try SignalSet.changeMask(SIG_SETMASK, self) }

    /// `rt_sigprocmask` through `pk_kernel_sigprocmask`, not the C library's `sigprocmask()`: musl's
    /// reports no bit of its internal signals 32-34 in the old mask, so a static supervisor would lose
    /// a blocked SIGRTMIN it inherited before handing the mask on. Signals 32 and 33 are never blocked
    /// here, as the C library's own call would not (its threads need them).
    static func changeMask(_ how: Int32, _ set: SignalSet) throws(Errno) -> SignalSet {
        var new = how == SIG_UNBLOCK ? set.bits : set.bits & ~libraryInternalBits
        var old: UInt64 = 0
        if pk_kernel_sigprocmask(how, &new, &old) != 0 { throw Errno.current }
        return SignalSet(bits: old)
    }

    /// The signals waiting to be delivered to the calling thread or the process because they are
    /// blocked (`sigpending`).
    public static func currentlyPending() -> SignalSet {
        var set = sigset_t()
        guard sigpending(&set) == 0 else { return [] }
        return SignalSet(set)
    }

    /// The signals this process ignores right now, any number 1-64: the C library's own real-time
    /// ones too, which exec hands on as ignored like any other.
    public static func currentlyIgnored() -> SignalSet {
        SignalSet(bits: pk_ignored_signals())
    }
}
