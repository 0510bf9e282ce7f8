/// A ``Teardown`` under way, for a loop that does its own waiting (`poll`, `epoll`, `await`, a
/// signal wait): it sends each step's signal when the step is due and says when the next one is.
/// ``ChildProcess/tearDown(_:)-8fyqs`` and the timeouts of ``Command/run(input:timeout:teardown:readingUntil:)-1yk49`` are
/// built on it.
///
/// ```swift
/// var progress = TeardownProgress(.standard)
/// while let due = try progress.advance(send: { try child.send($0) }) {
///     if let status = try child.wait(until: due) { return status }   // or poll, or await
/// }
/// return try child.wait()   // SIGKILL was sent
/// ```
public struct TeardownProgress: Sendable {
    /// The teardown being carried out.
    public let teardown: Teardown
    private var nextStep = 0
    /// When the wait under way ends; nil before the first ``advance(now:send:)`` and after the last.
    public private(set) var nextDue: Deadline?
    /// True once the final SIGKILL has been sent.
    public private(set) var isFinished = false

    /// Starts `teardown`: nothing is sent until the first ``advance(now:send:)``.
    public init(_ teardown: Teardown) { self.teardown = teardown }

    /// Takes every step that is due at `now`: sends the signals up to the next wait (through `send`),
    /// and returns when that wait ends, the time to call again. After the last step it sends SIGKILL
    /// and returns nil; it also returns nil at once when called again after that. Called before the
    /// current wait has ended, it sends nothing and returns the same time.
    public mutating func advance<E: Error>(now: Deadline = .now, send: (Signal) throws(E) -> Void) throws(E) -> Deadline? {
        if isFinished { return nil }
        if let nextDue, now < nextDue { return nextDue }
        nextDue = nil
        while nextStep < teardown.steps.count {
            let step = teardown.steps[nextStep]
            nextStep += 1
            switch step {
            case .signal(let signal): try send(signal)
            case .wait(let duration):
                nextDue = .after(duration, from: now)
                return nextDue
            }
        }
        isFinished = true
        try send(.kill)
        return nil
    }
}
