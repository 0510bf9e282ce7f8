#if !hasFeature(Embedded)
import CProcessKit
import Synchronization

/// ``StreamPump`` for async code: feeds one child's input, reads any number of captured outputs and
/// waits for the children, each in a task of its own that suspends on ``EventPoller`` instead of
/// blocking a thread, so no pipe filling up can stall the exchange. Past the timeout every child
/// still running is stopped with the teardown, and reading stops once they are gone. Cancelling the
/// task tears every child down, waits until all are reaped, and throws `CancellationError`.
enum AsyncStreamPump {
    /// What one task of the exchange produced.
    private enum Part: Sendable {
        case output(index: Int, bytes: [UInt8], truncated: Bool)
        case inputDone
        case status(index: Int, WaitStatus)
    }

    /// Set once the timeout has passed.
    private final class Flag: Sendable {
        let value = Atomic(false)
    }

    /// Runs the exchange to its end. Takes over the run's input and output fds: all are closed when it returns.
    static func run(_ run: PreparedRun, timeout: Double?, teardown: Teardown) async throws -> PreparedRun.Outcome {
        let children = run.children, outputs = run.outputs
        defer {
            for stream in outputs { try? stream.fd.close() }
        }
        let tearDownAll: @Sendable () async -> Void = {
            await withTaskGroup(of: Void.self) { group in
                for child in children { group.addTask { _ = try? await child.tearDown(teardown) } }
            }
        }
        let outcome = try await withTaskCancellationHandler {
            try await withThrowingTaskGroup(of: Part.self) { group in
                for (index, stream) in outputs.enumerated() {
                    group.addTask { try await read(stream.fd, limit: stream.limit, index: index) }
                }
                if let input = run.input {
                    group.addTask {
                        defer { try? input.close() }
                        try await write(run.inputBytes, to: input)
                        return .inputDone
                    }
                }
                for (index, child) in children.enumerated() {
                    group.addTask { .status(index: index, try await child.exitStatus()) }
                }
                let fired = Flag()
                let timer = timeout.map { seconds in
                    Task {
                        try await EventPoller.shared.sleep(until: .after(seconds: seconds))
                        fired.value.store(true, ordering: .releasing)
                        await tearDownAll()
                    }
                }
                defer { timer?.cancel() }
                var outcome = PreparedRun.Outcome(statuses: Array(repeating: .exited(code: 0), count: children.count),
                                                  outputs: Array(repeating: ([], false), count: outputs.count), timedOut: false)
                var reaped = 0
                while let part = try await group.next() {
                    switch part {
                    case .output(let index, let bytes, let truncated): outcome.outputs[index] = (bytes, truncated)
                    case .status(let index, let status):
                        outcome.statuses[index] = status
                        reaped += 1
                    case .inputDone: break
                    }
                    // Past the deadline, once the children are gone, what their descendants still write is not waited for.
                    if reaped == children.count, fired.value.load(ordering: .acquiring) { group.cancelAll() }
                }
                outcome.timedOut = fired.value.load(ordering: .acquiring)
                return outcome
            }
        } onCancel: {
            Task.detached { await tearDownAll() }
        }
        if Task.isCancelled { throw CancellationError() }
        return outcome
    }

    /// Reads `fd` to its end, keeping at most `limit` bytes (the rest is read and dropped). A
    /// cancelled read keeps what it has.
    private static func read(_ fd: FileDescriptor, limit: Int, index: Int) async throws -> Part {
        var collector = OutputCollector(limit: limit)
        guard pk_set_nonblocking(fd.rawValue, 1) == 0 else { throw Errno.current }
        do {
            while !Task.isCancelled, let mayHaveMore = try collector.takeAvailable(from: fd) {
                if !mayHaveMore { try await EventPoller.shared.ready(fd.rawValue) }
            }
        } catch is CancellationError {}
        return .output(index: index, bytes: collector.bytes, truncated: collector.truncated)
    }

    /// Writes all of `bytes` to a pipe, suspending while it is full; stops quietly when the reader has
    /// gone (EPIPE: the child stopped reading or exited).
    private static func write(_ bytes: [UInt8], to fd: FileDescriptor) async throws {
        guard pk_set_nonblocking(fd.rawValue, 1) == 0 else { throw Errno.current }
        var offset = 0
        while try !fd.feed(bytes, from: &offset) {
            try await EventPoller.shared.ready(fd.rawValue, writable: true)
        }
    }
}
#endif
