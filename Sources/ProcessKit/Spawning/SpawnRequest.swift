import CProcessKit

/// One start of a ``Command``: checks what it was given (bad input becomes a ``SpawnError`` naming
/// it, before any child exists), opens the files and pipes its standard streams need, starts the
/// child with the C target's vfork-style spawn, and closes the child's ends in this process after.
struct SpawnRequest {
    let command: Command
    /// fds opened here for the child (its pipe ends, files, /dev/null), closed once it has started.
    private var childEnds: [FileDescriptor] = []
    /// This process's pipe ends for fd 0, 1 and 2, handed to the ``ChildProcess``.
    private var parentEnds: [FileDescriptor?] = [nil, nil, nil]
    /// What the child's fd 0, 1 and 2 are dup'ed from; -1 keeps this process's.
    private var sources: [Int32] = [-1, -1, -1]

    init(_ command: Command) { self.command = command }

    func failure(_ step: SpawnError.Step, _ errno: Int32, _ detail: String? = nil) -> SpawnError {
        SpawnError(program: command.program, step: step, errno: Errno(rawValue: errno), detail: detail)
    }

    /// Starts the child with these standard streams.
    mutating func start(input: StandardInput, output: StandardOutput, error: StandardOutput) throws(SpawnError) -> ChildProcess {
        do throws(SpawnError) {
            try check()
            try prepare(Stream(input), fd: 0)
            try prepare(Stream(output), fd: 1)
            try prepare(Stream(error), fd: 2)
            let child = try launch(input: input, output: output, error: error)
            closeChildEnds()
            return child
        } catch {
            closeChildEnds()
            for fd in parentEnds { try? fd?.close() }
            throw error
        }
    }

    private mutating func closeChildEnds() {
        for fd in childEnds { try? fd.close() }
        childEnds = []
    }

    /// Bad input that would otherwise be cut short or misread by C: NUL bytes, fds that are not open.
    private func check() throws(SpawnError) {
        if command.programBytes.contains(0) { throw failure(.program, EINVAL, "the program name contains a NUL byte") }
        if command.argumentZero?.utf8.contains(0) == true { throw failure(.arguments, EINVAL, "argument 0 contains a NUL byte") }
        if let index = command.argumentBytes.firstIndex(where: { $0.contains(0) }) {
            throw failure(.arguments, EINVAL, "argument \(index + 1) contains a NUL byte")
        }
        if let problem = command.environment.problem() { throw failure(.environment, EINVAL, problem) }
        if command.workingDirectory?.utf8.contains(0) == true {
            throw failure(.workingDirectory, EINVAL, "the working directory contains a NUL byte")
        }
        for fd in command.inheritedFileDescriptors {
            if fd.rawValue < 3 {
                throw failure(.fileDescriptors, EINVAL, "\(fd) is a standard stream; set standardInput, standardOutput or standardError for it")
            }
            if !fd.isOpen { throw failure(.fileDescriptors, EBADF, "\(fd) is not open") }
        }
    }

    /// One standard stream's setting, input or output alike.
    private enum Stream {
        case inherit, null, fileDescriptor(FileDescriptor), file(String, FileDescriptor.OpenMode), pipe, capture(Int), mergedIntoOutput

        init(_ input: StandardInput) {
            switch input {
            case .inherit: self = .inherit
            case .null: self = .null
            case .fileDescriptor(let fd): self = .fileDescriptor(fd)
            case .file(let path): self = .file(path, .read)
            case .pipe, .bytes: self = .pipe
            }
        }

        init(_ output: StandardOutput) {
            switch output {
            case .inherit: self = .inherit
            case .null: self = .null
            case .fileDescriptor(let fd): self = .fileDescriptor(fd)
            case .file(let path, let append): self = .file(path, append ? .append : .write)
            case .pipe: self = .pipe
            case .capture(let limit): self = .capture(limit)
            case .standardOutput: self = .mergedIntoOutput
            }
        }
    }

    /// Opens what the child's fd `target` (0, 1 or 2) needs and notes where it comes from.
    private mutating func prepare(_ stream: Stream, fd target: Int) throws(SpawnError) {
        let step: SpawnError.Step = target == 0 ? .standardInput : target == 1 ? .standardOutput : .standardError
        let name = step.failure
        switch stream {
        case .fileDescriptor(let fd) where !fd.isOpen:
            throw failure(step, EBADF, name + ": " + fd.description + " is not open")
        case .capture(let limit) where limit < 1:
            throw failure(step, EINVAL, name + ": the capture limit must be at least 1 byte, not \(limit)")
        case .mergedIntoOutput where target != 2:
            throw failure(step, EINVAL, "standard output cannot be merged into itself")
        default: break
        }
        var opening = "/dev/null"
        do throws(Errno) {
            switch stream {
            case .inherit: break
            case .null: sources[target] = opened(try FileDescriptor.open(opening, target == 0 ? .read : .write))
            case .fileDescriptor(let fd): sources[target] = fd.rawValue
            case .file(let path, let mode):
                opening = path
                sources[target] = opened(try FileDescriptor.open(path, mode))
            case .pipe, .capture:
                opening = ""
                let (readEnd, writeEnd) = try FileDescriptor.pipe()
                sources[target] = opened(target == 0 ? readEnd : writeEnd)
                parentEnds[target] = target == 0 ? writeEnd : readEnd
            case .mergedIntoOutput: sources[2] = sources[1] >= 0 ? sources[1] : 1
            }
        } catch {
            let what = opening.isEmpty ? "pipe failed" : "cannot open " + opening
            throw failure(step, error.rawValue, name + ": " + what + ": " + error.description)
        }
    }

    /// The fds in ascending order, each once, as the child's close_range between them needs (a plain
    /// insertion sort: the list is short, and Set and sort() cost an Embedded binary kilobytes).
    static func sortedWithoutRepeats(_ fds: [Int32]) -> [Int32] {
        var sorted: [Int32] = []
        for fd in fds {
            var index = sorted.count
            while index > 0 && sorted[index - 1] > fd { index -= 1 }
            if index > 0 && sorted[index - 1] == fd { continue }
            sorted.insert(fd, at: index)
        }
        return sorted
    }

    /// Notes an fd opened for the child, to be closed here once it has started.
    private mutating func opened(_ fd: FileDescriptor) -> Int32 {
        childEnds.append(fd)
        return fd.rawValue
    }

    private func launch(input: StandardInput, output: StandardOutput, error: StandardOutput) throws(SpawnError) -> ChildProcess {
        let command = self.command
        let candidates = Command.candidatePaths(for: command.programBytes, path: Command.environmentValue("PATH"))
        let argv = [command.argumentZero.map { Array($0.utf8) } ?? command.programBytes] + command.argumentBytes
        let cArguments = CStringArray(bytes: argv)
        // argv for /bin/sh, which the child fills in: "/bin/sh", the script, then argv[1...] borrowed from cArguments.
        let shellArguments = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: argv.count + 2)
        defer { shellArguments.deallocate() }
        shellArguments.initialize(repeating: nil, count: argv.count + 2)
        for index in 1..<argv.count { shellArguments[index + 1] = cArguments.pointer[index] }
        let cCandidates = CStringArray(bytes: candidates)
        let cEnvironment = command.environment.isUnchangedInherit ? nil : CStringArray(bytes: command.environment.entryBytes)
        let cDirectory = command.workingDirectory.map { CStringArray([$0]) }
        let kept = SpawnRequest.sortedWithoutRepeats(command.inheritedFileDescriptors.map { $0.rawValue })
        let cKept = UnsafeMutablePointer<Int32>.allocate(capacity: max(kept.count, 1))
        defer { cKept.deallocate() }
        for (index, fd) in kept.enumerated() { cKept[index] = fd }
        var mask: UInt64 = 0, ignored: UInt64 = 0
        if case .exactly(let set) = command.signalMask { mask = set.bits }
        if case .exactly(let set) = command.ignoredSignals { ignored = set.bits }
        let group: Int32
        switch command.processGroup {
        case .inherit: group = -1
        case .new: group = 0
        case .join(let leader): group = leader
        }
        var attributes = pk_spawn_attributes(
            candidates: UnsafePointer(cCandidates.pointer),
            argv: UnsafePointer(cArguments.pointer),
            envp: cEnvironment.map { UnsafePointer($0.pointer) } ?? pk_environ(),
            shell_argv: shellArguments,
            working_directory: cDirectory.flatMap { $0.pointer[0].map { UnsafePointer($0) } },
            process_group: group,
            new_session: command.newSession ? 1 : 0,
            foreground_terminal: command.foregroundTerminal ?? -1,
            parent_death_signal: command.parentDeathSignal?.rawValue ?? 0,
            streams: (pk_spawn_stream(source: sources[0]), pk_spawn_stream(source: sources[1]), pk_spawn_stream(source: sources[2])),
            kept_fds: cKept,
            kept_fd_count: Int32(kept.count),
            keep_all_fds: command.inheritsAllFileDescriptors ? 1 : 0,
            inherit_signal_mask: command.signalMask == .inherit ? 1 : 0,
            signal_mask: mask,
            keep_ignored_signals: command.ignoredSignals == .inherit ? 1 : 0,
            default_signals: command.defaultSignals.bits,
            ignored_signals: ignored)
        var outcome = pk_spawn_outcome()
        let result = pk_spawn(&attributes, &outcome)
        guard result == 0 else {
            var error = SpawnError(program: command.program, step: SpawnError.Step(rawValue: outcome.failed_step) ?? .exec,
                                   errno: Errno(rawValue: outcome.error))
            error.childPID = outcome.failed_child > 0 ? outcome.failed_child : nil
            throw error
        }
        func limit(_ output: StandardOutput) -> Int? {
            if case .capture(let limit) = output { return limit }
            return nil
        }
        var pendingInput: [UInt8]?
        if case .bytes(let bytes) = input { pendingInput = bytes }
        return ChildProcess(pid: outcome.pid, pidDescriptor: outcome.pidfd >= 0 ? FileDescriptor(rawValue: outcome.pidfd) : nil,
                            processGroup: command.processGroup == .new || command.newSession ? outcome.pid : nil,
                            program: command.program, input: parentEnds[0], output: parentEnds[1], error: parentEnds[2],
                            pendingInput: pendingInput, outputLimit: limit(output), errorLimit: limit(error))
    }
}

extension Command {
    /// Starts the child with these standard streams (``spawn()`` and ``run(input:timeout:teardown:)``
    /// differ only in their defaults).
    func start(input: StandardInput, output: StandardOutput, error: StandardOutput) throws(SpawnError) -> ChildProcess {
        var request = SpawnRequest(self)
        return try request.start(input: input, output: output, error: error)
    }
}

/// NUL-terminated copies of strings in one NULL-terminated `char *[]`, freed when it goes away.
final class CStringArray {
    let pointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    let count: Int

    init(_ strings: [String]) {
        count = strings.count
        pointer = .allocate(capacity: count + 1)
        for (index, string) in strings.enumerated() { pointer[index] = strdup(string) }
        pointer[count] = nil
    }

    /// The same from raw bytes (each without a NUL), copied as they are.
    init(bytes strings: [[UInt8]]) {
        count = strings.count
        pointer = .allocate(capacity: count + 1)
        for (index, bytes) in strings.enumerated() {
            let copy = malloc(bytes.count + 1)!  // freed with free() in deinit, like strdup's copies
            bytes.withUnsafeBytes { source in
                if let base = source.baseAddress { copy.copyMemory(from: base, byteCount: bytes.count) }
            }
            copy.storeBytes(of: 0, toByteOffset: bytes.count, as: UInt8.self)
            pointer[index] = copy.assumingMemoryBound(to: CChar.self)
        }
        pointer[count] = nil
    }

    deinit {
        for index in 0..<count { free(pointer[index]) }
        pointer.deallocate()
    }
}
