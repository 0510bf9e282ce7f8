#if !hasFeature(Embedded)
import CProcessKit
import Synchronization

/// ``StreamPump`` for async code: feeds one child's input, reads any number of captured outputs and
/// waits for the children, each in a task of its own that suspends on ``EventPoller`` instead of
/// blocking a thread, so no pipe filling up can stall the exchange. Past the timeout every child
/// still running is stopped with the teardown, and reading stops once they are gone. Cancelling the
/// task tears every child down, waits until all are reaped, and throws `CancellationError`.
enum AsyncStreamPump {
    /// What the exchange gave: each child's status, each output's bytes, and whether it timed out.
    struct Outcome {
        var statuses: [WaitStatus]
        var outputs: [(bytes: [UInt8], truncated: Bool)]
        var timedOut: Bool
    }

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

    /// Runs the exchange to its end. Takes over `input` and the output fds: all are closed when it returns.
    static func run(children: [ChildProcess], input: FileDescriptor?, inputBytes: [UInt8],
                    outputs: [(fd: FileDescriptor, limit: Int)], timeout: Double?, teardown: Teardown) async throws -> Outcome {
        defer {
            for stream in outputs { try? stream.fd.close() }
        }
        let tearDownAll: @Sendable () async -> Void = {
            await withTaskGroup(of: Void.self) { group in
                for child in children { group.addTask { _ = try? await child.tearDown(teardown) } }
            }
        }
        let parts = try await withTaskCancellationHandler {
            try await withThrowingTaskGroup(of: Part.self) { group in
                for (index, stream) in outputs.enumerated() {
                    group.addTask { try await read(stream.fd, limit: stream.limit, index: index) }
                }
                if let input {
                    group.addTask {
                        defer { try? input.close() }
                        try await write(inputBytes, to: input)
                        return .inputDone
                    }
                }
                for (index, child) in children.enumerated() {
                    group.addTask { .status(index: index, try await child.exitStatus()) }
                }
                let fired = Flag()
                let timer = timeout.map { seconds in
                    Task {
                        try await EventPoller.shared.sleep(until: .after(seconds: Swift.max(0, Swift.min(seconds, 1e9))))
                        fired.value.store(true, ordering: .releasing)
                        await tearDownAll()
                    }
                }
                defer { timer?.cancel() }
                var parts: [Part] = [], reaped = 0
                while let part = try await group.next() {
                    parts.append(part)
                    if case .status = part { reaped += 1 }
                    // Past the deadline, once the children are gone, what their descendants still write is not waited for.
                    if reaped == children.count, fired.value.load(ordering: .acquiring) { group.cancelAll() }
                }
                return (parts, fired.value.load(ordering: .acquiring))
            }
        } onCancel: {
            Task.detached { await tearDownAll() }
        }
        if Task.isCancelled { throw CancellationError() }
        var outcome = Outcome(statuses: Array(repeating: .exited(code: 0), count: children.count),
                              outputs: Array(repeating: ([], false), count: outputs.count), timedOut: parts.1)
        for part in parts.0 {
            switch part {
            case .output(let index, let bytes, let truncated): outcome.outputs[index] = (bytes, truncated)
            case .status(let index, let status): outcome.statuses[index] = status
            case .inputDone: break
            }
        }
        return outcome
    }

    /// Reads `fd` to its end, keeping at most `limit` bytes (the rest is read and dropped). A
    /// cancelled read keeps what it has.
    private static func read(_ fd: FileDescriptor, limit: Int, index: Int) async throws -> Part {
        var collector = OutputCollector(limit: limit)
        guard pk_set_nonblocking(fd.rawValue, 1) == 0 else { throw Errno.current }
        do {
            reading: while !Task.isCancelled {
                switch Result(catching: { () throws(Errno) in try collector.take(from: fd) }) {
                case .success(nil): break reading
                case .success: continue
                case .failure(.tryAgain): try await EventPoller.shared.ready(fd.rawValue)
                case .failure(let error): throw error
                }
            }
        } catch is CancellationError {}
        return .output(index: index, bytes: collector.bytes, truncated: collector.truncated)
    }

    /// Writes all of `bytes` to a pipe, suspending while it is full; stops quietly when the reader has
    /// gone (EPIPE: the child stopped reading or exited).
    private static func write(_ bytes: [UInt8], to fd: FileDescriptor) async throws {
        guard pk_set_nonblocking(fd.rawValue, 1) == 0 else { throw Errno.current }
        var offset = 0
        while offset < bytes.count {
            // SIGPIPE is blocked around the one write that may raise it, on this thread, with no
            // suspension in between, and taken back after EPIPE, so it cannot kill this process.
            let previousMask = try? SignalSet([.brokenPipe]).block()
            let written = bytes.withUnsafeBytes { buffer in
                Result { () throws(Errno) in try fd.write(UnsafeRawBufferPointer(rebasing: buffer[offset...])) }
            }
            if case .failure(let error) = written, error.rawValue == EPIPE { pk_discard_own_sigpipe() }
            if let previousMask, !previousMask.contains(.brokenPipe) { _ = try? SignalSet([.brokenPipe]).unblock() }
            switch written {
            case .success(let count): offset += count
            case .failure(let error) where error.rawValue == EPIPE: return
            case .failure(let error) where error == .tryAgain: try await EventPoller.shared.ready(fd.rawValue, writable: true)
            case .failure(let error): throw error
            }
        }
    }
}
#endif
