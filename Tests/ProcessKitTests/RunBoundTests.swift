import Foundation
import Synchronization
import Testing
import TestSupport
@testable import ProcessKit

/// `run(timeout: T, teardown: D)` returns within T + D's waits + 1 s whatever the child's descendants
/// do with its pipes: a background grandchild (`sleep 30 &`) holds standard output, standard error,
/// or standard input with 16 MiB still queued for it, the child exits at once or is still running at
/// T, with each kind of teardown, in the sync form and the async one.
///
/// One case at a time: each measures a bound in wall time, and dozens of runs at once on a 2-core
/// machine (each with a shell, a grandchild and 16 MiB of input) measured the machine instead.
@Suite(.serialized) struct RunBoundTests {
    /// The timeout of every run here.
    static let timeout = Duration.milliseconds(500)
    /// What the machine may add to a bound: starting a shell and its children, a busy scheduler.
    static let slack = Duration.seconds(2 * Harness.slowdown)

    /// The stream a background grandchild keeps open; the others it does not hold.
    enum HeldStream: String, CaseIterable, Sendable {
        case output, error, input

        /// Starts `sleep 30` in the background holding this stream only.
        var holder: String {
            switch self {
            case .output: "sleep 30 </dev/null 2>/dev/null &"
            case .error: "sleep 30 </dev/null >/dev/null &"
            case .input: "sleep 30 >/dev/null 2>/dev/null &"
            }
        }

        /// What the run feeds: 16 MiB (which the pipe cannot take) when the grandchild holds the input.
        var input: [UInt8]? { self == .input ? [UInt8](repeating: 0x61, count: 16 << 20) : nil }
    }

    /// A teardown, and the child that still runs at the timeout for it: one SIGTERM ends, or one that
    /// ignores SIGTERM, which the teardown's SIGKILL ends after its wait.
    enum Stop: String, CaseIterable, Sendable {
        case standard, kill, termIgnoredThenKill

        var teardown: Teardown {
            switch self {
            case .standard: .standard
            case .kill: .kill
            case .termIgnoredThenKill: Teardown([.signal(.terminate), .wait(.milliseconds(500))])
            }
        }

        /// The teardown's waits, if they run to their end.
        var waits: Duration { self == .termIgnoredThenKill ? .milliseconds(500) : self == .standard ? .seconds(5) : .zero }

        /// After the grandchild has started and "GO" is written: a child that is still there at the timeout.
        var stillRunning: String { self == .termIgnoredThenKill ? "trap '' TERM; while :; do sleep 0.05; done" : "exec sleep 30" }

        /// How the still-running child ends.
        var status: WaitStatus {
            self == .standard ? .signaled(.terminate, coreDumped: false) : .signaled(.kill, coreDumped: false)
        }
    }

    enum Form: String, CaseIterable, Sendable { case sync, async }

    /// Every held stream with every teardown.
    static let cases: [Case] = HeldStream.allCases.flatMap { held in Stop.allCases.map { Case(held: held, stop: $0) } }

    struct Case: Sendable, CustomStringConvertible {
        let held: HeldStream
        let stop: Stop
        var description: String { "\(held) held, \(stop)" }
    }

    /// What a run returned and how long it took.
    struct Timed: Sendable {
        let result: RunResult
        let took: Duration
    }

    /// Runs the async forms' tasks on a thread of their own rather than the cooperative pool, which
    /// the synchronous tests of the other suites can hold for tens of seconds on a 2-core machine: a
    /// bound measured here is the engine's, not the pool's.
    final class ThreadExecutor: TaskExecutor {
        static let shared = ThreadExecutor()
        let queue = DispatchQueue(label: "RunBoundTests")

        func enqueue(_ job: consuming ExecutorJob) {
            let job = UnownedJob(job)
            queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
        }
    }

    /// Runs `command` in `form`, in a thread of its own for the sync form (on ``ThreadExecutor`` for
    /// the async one), and waits up to `limit` for it without blocking a thread of the pool;
    /// nil (with an issue recorded) if it has not returned by then.
    static func run(
        _ command: Command, input: [UInt8]?, teardown: Teardown, form: Form, limit: Duration,
        readingUntil outputEnd: OutputEnd = .endOfFile, timeout: Duration? = timeout
    ) async throws -> Timed? {
        let outcome = Mutex<Result<Timed, any Error>?>(nil)
        let started = Deadline.now
        let finish: @Sendable (Result<RunResult, any Error>) -> Void = { result in
            let took = started.elapsed
            outcome.withLock { $0 = result.map { Timed(result: $0, took: took) } }
        }
        if form == .sync {
            Thread {
                finish(Result { try command.run(input: input, timeout: timeout, teardown: teardown, readingUntil: outputEnd) })
            }.start()
        } else {
            Task(executorPreference: ThreadExecutor.shared) {
                do {
                    finish(
                        .success(
                            try await command.run(input: input, timeout: timeout, teardown: teardown, readingUntil: outputEnd)))
                } catch {
                    finish(.failure(error))
                }
            }
        }
        let deadline = Deadline.after(limit)
        while true {
            // Looked at once more after the deadline: this task may not have run for a while.
            let passed = deadline.hasPassed
            if let done = outcome.withLock({ $0 }) { return try done.get() }
            if passed { break }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        Issue.record("the \(form) run did not return within \(limit)")
        return nil
    }

    /// The child exits at once: the run returns at the timeout at the latest, with what the child
    /// wrote and its status, and it did not time out (the child was gone at T); no teardown wait runs.
    @Test(arguments: cases, Form.allCases)
    func childGoneBeforeTheTimeout(_ test: Case, form: Form) async throws {
        let (held, stop) = (test.held, test.stop)
        let command = Command("sh", arguments: ["-c", "\(held.holder) echo GO"])
        let bound = Self.timeout + .seconds(1)
        guard
            let timed = try await Self.run(
                command, input: held.input, teardown: stop.teardown, form: form, limit: bound + Self.slack + .seconds(30))
        else { return }
        #expect(timed.took < bound + Self.slack, "took \(timed.took), the bound is \(bound)")
        #expect(timed.result.status == .exited(code: 0))
        #expect(!timed.result.timedOut, "the child had exited before the timeout")
        #expect(timed.result.standardOutputText == "GO\n")
    }

    /// The child still runs at the timeout: it is torn down, and the run returns once it is gone,
    /// within the teardown's waits, without waiting for the grandchild to let go of the pipe.
    @Test(arguments: cases, Form.allCases)
    func childStillRunningAtTheTimeout(_ test: Case, form: Form) async throws {
        let (held, stop) = (test.held, test.stop)
        let command = Command("sh", arguments: ["-c", "\(held.holder) echo GO; \(stop.stillRunning)"])
        let bound = Self.timeout + stop.waits + .seconds(1)
        guard
            let timed = try await Self.run(
                command, input: held.input, teardown: stop.teardown, form: form, limit: bound + Self.slack + .seconds(30))
        else { return }
        #expect(timed.took < bound + Self.slack, "took \(timed.took), the bound is \(bound)")
        #expect(timed.result.timedOut)
        #expect(timed.result.status == stop.status)
        #expect(timed.result.standardOutputText == "GO\n")
    }

    /// A timeout below a second is kept to its fraction: `sleep 30` given 300 ms is stopped no sooner
    /// than 300 ms (a conversion that dropped the fraction would stop it at once) and well before a second more.
    @Test(arguments: Form.allCases)
    func aSubSecondTimeoutIsHonoured(form: Form) async throws {
        let timeout = Duration.milliseconds(300)
        guard
            let timed = try await Self.run(
                Command("sleep", arguments: ["30"]), input: nil, teardown: .standard, form: form,
                limit: .seconds(30) + Self.slack, timeout: timeout)
        else { return }
        #expect(timed.result.timedOut)
        #expect(timed.result.status == .signaled(.terminate, coreDumped: false))
        #expect(timed.took >= timeout && timed.took < timeout + .seconds(1) + Self.slack, "took \(timed.took)")
    }

    /// Without a timeout, output is read to its end by default: what a background process the child
    /// started writes after the child has exited is kept.
    @Test(arguments: Form.allCases)
    func byDefaultOutputIsReadToItsEnd(form: Form) async throws {
        let command = Command("sh", arguments: ["-c", "(sleep 0.3; echo late) & echo GO"])
        let timed = try await Self.run(
            command, input: nil, teardown: .standard, form: form, limit: .seconds(60 * Harness.slowdown), timeout: nil)
        #expect(timed?.result.standardOutputText == "GO\nlate\n")
    }

    /// With `.childExit` the run returns once the child has exited, with what it wrote, however long
    /// a grandchild holds the pipe (here 30 s, and no timeout is given).
    @Test(arguments: Form.allCases)
    func readingUntilTheChildExits(form: Form) async throws {
        let command = Command("sh", arguments: ["-c", "sleep 30 & head -c 100000 /dev/zero; echo GO"])
        guard
            let timed = try await Self.run(
                command, input: nil, teardown: .standard, form: form, limit: .seconds(25),
                readingUntil: .childExit, timeout: nil)
        else { return }
        #expect(timed.took < .seconds(1) + Self.slack, "took \(timed.took)")
        #expect(timed.result.status == .exited(code: 0) && !timed.result.timedOut)
        #expect(timed.result.standardOutput.count == 100_003)
    }
}
