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
            let strings = try strings()
            try checkInheritedFileDescriptors()
            try prepare(SpawnRequest.sharedForm(input), fd: 0)
            try prepare(output, fd: 1)
            try prepare(error, fd: 2)
            let child = try launch(strings, input: input, output: output, error: error)
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

    /// fds passed on that are not open.
    private func checkInheritedFileDescriptors() throws(SpawnError) {
        for fd in command.inheritedFileDescriptors where !fd.isOpen {
            throw failure(.fileDescriptors, EBADF, fd.description + " is not open")
        }
    }

    /// The C strings the child needs, in groups: the program, argv, the environment (empty when it
    /// is this process's unchanged), the working directory, the search path. Bad bytes (a NUL, which
    /// C would cut the string at) become the error naming them.
    private func strings() throws(SpawnError) -> CStringArray {
        let command = self.command
        if let problem = command.environment.problem() { throw failure(.environment, EINVAL, problem) }
        let entries = command.environment.isUnchangedInherit ? [] : command.environment.entryBytes
        // PATH as the child will have it, as Rust's and Python's process APIs look it up too.
        var path: [[UInt8]] = []
        if !CStringArray.has(UInt8(ascii: "/"), in: command.programBytes) && !command.programBytes.isEmpty {
            let value =
                command.environment.isUnchangedInherit
                ? Command.environmentValue("PATH").map { Array($0.utf8) }
                : entries.first { Environment.entry($0, isNamed: Array("PATH".utf8)) }.map { Array($0.dropFirst(5)) }
            path = [value ?? Array("/bin:/usr/bin".utf8)]
        }
        let argv = [command.argumentZero.map { Array($0.utf8) } ?? command.programBytes] + command.argumentBytes
        let strings = CStringArray(groups: [
            [command.programBytes], argv, entries,
            command.workingDirectory.map { [Array($0.utf8)] } ?? [], path,
        ])
        guard let bad = strings.firstWithNUL else { return strings }
        switch bad.group {
        case 0: throw failure(.program, EINVAL, "the program name contains a NUL byte")
        case 1: throw failure(.arguments, EINVAL, "argument " + String(bad.index) + " contains a NUL byte")
        case 2:
            // Named by what comes before "=" (or the NUL), which C reads as all there is of it.
            let entry = strings.group(2)[bad.index]!
            let end = strchr(entry, Int32(UInt8(ascii: "="))) ?? entry + strlen(entry)
            let shown = String(decoding: UnsafeRawBufferPointer(start: entry, count: end - entry), as: UTF8.self)
            throw failure(.environment, EINVAL, "environment variable " + shown + " contains a NUL byte")
        default: throw failure(.workingDirectory, EINVAL, "the working directory contains a NUL byte")
        }
    }

    /// Standard input's setting in the form it shares with the output settings, for ``prepare(_:fd:)``:
    /// a file is opened for reading there, and bytes come through a pipe.
    private static func sharedForm(_ input: StandardInput) -> StandardOutput {
        switch input {
        case .inherit: return .inherit
        case .null: return .null
        case .fileDescriptor(let fd): return .fileDescriptor(fd)
        case .file(let path): return .file(path)
        case .pipe, .bytes: return .pipe
        }
    }

    /// Opens what the child's fd `target` (0, 1 or 2) needs and notes where it comes from.
    private mutating func prepare(_ setting: StandardOutput, fd target: Int) throws(SpawnError) {
        let step: SpawnError.Step = target == 0 ? .standardInput : target == 1 ? .standardOutput : .standardError
        let name = step.failure
        switch setting {
        case .fileDescriptor(let fd) where !fd.isOpen:
            throw failure(step, EBADF, name + ": " + fd.description + " is not open")
        case .capture(let limit) where limit < 1:
            throw failure(step, EINVAL, name + ": the capture limit must be at least 1 byte, not " + String(limit))
        case .standardOutput where target != 2:
            throw failure(step, EINVAL, "standard output cannot be merged into itself")
        default: break
        }
        var opening = "/dev/null"
        do throws(Errno) {
            switch setting {
            case .inherit: break
            case .null: sources[target] = opened(try FileDescriptor.open(opening, target == 0 ? .read : .write))
            case .fileDescriptor(let fd): sources[target] = fd.rawValue
            case .file(let path, let append):
                opening = path
                sources[target] = opened(try FileDescriptor.open(path, target == 0 ? .read : append ? .append : .write))
            case .pipe, .capture:
                opening = ""
                let (readEnd, writeEnd) = try FileDescriptor.pipe()
                sources[target] = opened(target == 0 ? readEnd : writeEnd)
                parentEnds[target] = target == 0 ? writeEnd : readEnd
            case .standardOutput: sources[2] = sources[1] >= 0 ? sources[1] : 1
            }
        } catch {
            let what = opening.isEmpty ? "pipe failed" : "cannot open " + opening
            throw failure(step, error.rawValue, name + ": " + what + ": " + error.description)
        }
    }

    /// The fds above 2 in ascending order, each once, as the child's close_range between them needs (a plain
    /// insertion sort: the list is short, and Set and sort() cost an Embedded binary kilobytes).
    static func sortedWithoutRepeats(_ fds: [Int32]) -> [Int32] {
        var sorted: [Int32] = []
        for fd in fds where fd > 2 {
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

    private func launch(
        _ strings: CStringArray, input: StandardInput, output: StandardOutput,
        error: StandardOutput
    ) throws(SpawnError) -> ChildProcess {
        let command = self.command
        let argumentCount = command.argumentBytes.count + 1
        // argv for /bin/sh, which the child fills in: "/bin/sh", the script, then argv[1...] borrowed from `strings`.
        let shellArguments = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: argumentCount + 2)
        defer { shellArguments.deallocate() }
        shellArguments.initialize(repeating: nil, count: argumentCount + 2)
        for index in 1..<argumentCount { shellArguments[index + 1] = strings.group(1)[index] }
        let kept = SpawnRequest.sortedWithoutRepeats(command.inheritedFileDescriptors.map { $0.rawValue })
        let cKept = UnsafeMutablePointer<Int32>.allocate(capacity: max(kept.count, 1))
        defer { cKept.deallocate() }
        for (index, fd) in kept.enumerated() { cKept[index] = fd }
        let limits = UnsafeMutablePointer<pk_resource_limit>.allocate(capacity: max(command.resourceLimits.count, 1))
        defer { limits.deallocate() }
        for (index, limit) in command.resourceLimits.enumerated() {
            limits[index] = pk_resource_limit(resource: limit.resource.rawValue, soft: limit.soft, hard: limit.hard)
        }
        let groups = command.supplementaryGroups ?? []
        let cGroups = UnsafeMutablePointer<UInt32>.allocate(capacity: max(groups.count, 1))
        defer { cGroups.deallocate() }
        for (index, group) in groups.enumerated() { cGroups[index] = group }
        var mask: UInt64 = 0, ignored: UInt64 = 0
        if case .exactly(let set) = command.signalMask { mask = set.bits }
        if case .exactly(let set) = command.ignoredSignals { ignored = set.bits }
        let group: Int32 =
            switch command.processGroup {
            case .inherit: -1
            case .new: 0
            case .join(let leader): leader
            }
        var attributes = pk_spawn_attributes(
            program: strings.group(0)[0]!,
            search_path: strings.group(4)[0],
            argv: strings.group(1),
            envp: command.environment.isUnchangedInherit ? pk_environ() : UnsafePointer(strings.group(2)),
            shell_argv: shellArguments,
            working_directory: strings.group(3)[0],
            process_group: group,
            new_session: command.newSession ? 1 : 0,
            foreground_terminal: command.foregroundTerminal ?? -1,
            parent_death_signal: command.parentDeathSignal?.rawValue ?? 0,
            stream_sources: (sources[0], sources[1], sources[2]),
            kept_fds: cKept,
            kept_fd_count: Int32(kept.count),
            keep_all_fds: command.inheritsAllFileDescriptors ? 1 : 0,
            inherit_signal_mask: command.signalMask == .inherit ? 1 : 0,
            signal_mask: mask,
            keep_ignored_signals: command.ignoredSignals == .inherit ? 1 : 0,
            default_signals: command.defaultSignals.bits,
            ignored_signals: ignored,
            resource_limits: limits,
            resource_limit_count: Int32(command.resourceLimits.count),
            umask: command.umask.map { Int32($0 & 0o777) } ?? -1,
            set_groups: command.supplementaryGroups == nil ? 0 : 1,
            groups: cGroups,
            group_count: Int32(groups.count),
            group_id: command.groupID.map { Int64($0) } ?? -1,
            user_id: command.userID.map { Int64($0) } ?? -1)
        var outcome = pk_spawn_outcome()
        let result = pk_spawn(&attributes, &outcome)
        guard result == 0 else {
            var error = SpawnError(
                program: command.program, step: SpawnError.Step(rawValue: outcome.failed_step),
                errno: Errno(rawValue: outcome.error))
            error.childPID = outcome.failed_child > 0 ? outcome.failed_child : nil
            if error.step == .resourceLimits {
                error.detail =
                    "setrlimit(" + ResourceLimit.Resource(rawValue: outcome.failed_resource).description + ") failed: "
                    + error.errno.description
            }
            throw error
        }
        func limit(_ output: StandardOutput) -> Int? {
            if case .capture(let limit) = output { return limit }
            return nil
        }
        var pendingInput: [UInt8]?
        if case .bytes(let bytes) = input { pendingInput = bytes }
        return ChildProcess(
            pid: outcome.pid, pidDescriptor: outcome.pidfd >= 0 ? FileDescriptor(rawValue: outcome.pidfd) : nil,
            processGroup: command.processGroup == .new || command.newSession ? outcome.pid : nil,
            program: command.program, input: parentEnds[0], output: parentEnds[1], error: parentEnds[2],
            pendingInput: pendingInput, outputLimit: limit(output), errorLimit: limit(error))
    }
}

extension Command {
    /// Starts the child with these standard streams (``spawn()`` and ``run(input:timeout:teardown:readingUntil:)-1yk49``
    /// differ only in their defaults).
    func start(input: StandardInput, output: StandardOutput, error: StandardOutput) throws(SpawnError) -> ChildProcess {
        var request = SpawnRequest(self)
        return try request.start(input: input, output: output, error: error)
    }
}
