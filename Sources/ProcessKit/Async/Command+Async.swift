#if !hasFeature(Embedded)
import CProcessKit
import Synchronization

extension Command {
    /// ``run(input:timeout:teardown:)`` from async code: the same result, but feeding the input,
    /// reading both outputs and waiting for the child all suspend the task on ProcessKit's poller
    /// thread instead of blocking a thread of the cooperative pool, so a thousand runs at once use a
    /// handful of threads.
    ///
    /// Past `timeout` seconds, or when the task is cancelled, the child is stopped with `teardown`
    /// (SIGTERM, up to 5 s, SIGKILL by default) and reaped. A timeout returns the result with
    /// ``RunResult/timedOut``; a cancellation throws `CancellationError` once the child is gone.
    ///
    /// ```swift
    /// let result = try await Command("git", arguments: ["--version"]).run()
    /// print(result.standardOutputText)
    /// ```
    public func run(input: [UInt8]? = nil, timeout: Double? = nil, teardown: Teardown = .standard) async throws -> RunResult {
        let child = try start(input: input.map { .bytes($0) } ?? standardInput ?? .null,
                              output: standardOutput ?? .capture(), error: standardError ?? .capture())
        return try await child.collect(timeout: timeout, teardown: teardown)
    }

    /// The async ``run(input:timeout:teardown:)`` with the input as UTF-8 text.
    public func run(input: String, timeout: Double? = nil, teardown: Teardown = .standard) async throws -> RunResult {
        try await run(input: Array(input.utf8), timeout: timeout, teardown: teardown)
    }
}

extension ChildProcess {
    /// What one part of an async collection produced.
    private enum Part: Sendable {
        case output(index: Int, bytes: [UInt8], truncated: Bool)
        case inputDone
        case status(WaitStatus)
        case timedOut
    }

    /// ``collect(until:teardown:)`` from async code (see ``Command/run(input:timeout:teardown:)-async``).
    public func collect(timeout: Double? = nil, teardown: Teardown = .standard) async throws -> RunResult {
        var outputs: [(fd: FileDescriptor, limit: Int)] = []
        let output = outputLimit.flatMap { limit in takeStandardOutput().map { (fd: $0, limit: limit) } }
        let error = errorLimit.flatMap { limit in takeStandardError().map { (fd: $0, limit: limit) } }
        if let output { outputs.append(output) }
        if let error { outputs.append(error) }
        let input = pendingInput == nil ? nil : takeStandardInput()
        defer {
            for stream in outputs { try? stream.fd.close() }
        }
        let inputBytes = pendingInput ?? []
        let parts = try await withTaskCancellationHandler {
            try await withThrowingTaskGroup(of: Part.self) { group in
                for (index, stream) in outputs.enumerated() {
                    group.addTask { try await Self.read(stream.fd, limit: stream.limit, index: index) }
                }
                if let input {
                    group.addTask {
                        defer { try? input.close() }
                        try await Self.write(inputBytes, to: input)
                        return .inputDone
                    }
                }
                group.addTask { .status(try await self.exitStatus()) }
                let fired = TimerFlag()
                let timer = timeout.map { seconds in
                    Task {
                        try await EventPoller.shared.sleep(until: .after(seconds: Swift.max(0, Swift.min(seconds, 1e9))))
                        fired.value.store(true, ordering: .releasing)
                        _ = try? await self.tearDown(teardown)
                    }
                }
                defer { timer?.cancel() }
                var parts: [Part] = []
                while let part = try await group.next() {
                    parts.append(part)
                    // Past the deadline, once the child is gone, what its descendants still write is not waited for.
                    if case .status = part, fired.value.load(ordering: .acquiring) { group.cancelAll() }
                }
                if fired.value.load(ordering: .acquiring) { parts.append(.timedOut) }
                return parts
            }
        } onCancel: {
            Task.detached { _ = try? await self.tearDown(teardown) }
        }
        if Task.isCancelled { throw CancellationError() }
        var status = WaitStatus.exited(code: 0), timedOut = false
        var collected: [(bytes: [UInt8], truncated: Bool)] = Array(repeating: ([], false), count: outputs.count)
        for part in parts {
            switch part {
            case .output(let index, let bytes, let truncated): collected[index] = (bytes, truncated)
            case .status(let reaped): status = reaped
            case .timedOut: timedOut = true
            case .inputDone: break
            }
        }
        let outputIndex = output == nil ? nil : 0, errorIndex = error == nil ? nil : (output == nil ? 0 : 1)
        return RunResult(status: status,
                         standardOutput: outputIndex.map { collected[$0].bytes } ?? [],
                         standardError: errorIndex.map { collected[$0].bytes } ?? [],
                         standardOutputTruncated: outputIndex.map { collected[$0].truncated } ?? false,
                         standardErrorTruncated: errorIndex.map { collected[$0].truncated } ?? false,
                         timedOut: timedOut)
    }

    /// Reads `fd` to its end, keeping at most `limit` bytes (the rest is read and dropped). A
    /// cancelled read keeps what it has.
    private static func read(_ fd: FileDescriptor, limit: Int, index: Int) async throws -> Part {
        var collector = OutputCollector(limit: limit)
        do {
            for try await chunk in AsyncByteChunks(reading: fd.rawValue) {
                chunk.withUnsafeBytes { collector.append($0) }
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
                CProcessKit.write(fd.rawValue, buffer.baseAddress! + offset, buffer.count - offset)
            }
            let error = Errno.current
            if written < 0, error.rawValue == EPIPE { pk_discard_own_sigpipe() }
            if let previousMask, !previousMask.contains(.brokenPipe) { _ = try? SignalSet([.brokenPipe]).unblock() }
            if written >= 0 {
                offset += written
            } else if error.rawValue == EPIPE {
                return
            } else if error == .tryAgain {
                try await EventPoller.shared.ready(fd.rawValue, writable: true)
            } else if error != .interrupted {
                throw error
            }
        }
    }
}

/// Set once a run's timeout has passed.
private final class TimerFlag: Sendable {
    let value = Atomic(false)
}

extension FileDescriptor {
    /// What this fd delivers from now on, as an `AsyncSequence` of byte chunks (see ``AsyncByteChunks``).
    public var chunks: AsyncByteChunks { AsyncByteChunks(reading: rawValue) }

    /// What this fd delivers from now on, as an `AsyncSequence` of lines (see ``AsyncByteChunks/lines``).
    public var lines: AsyncLines { chunks.lines }
}
#endif
