import CProcessKit

/// Feeds one child's input, reads any number of captured outputs and watches the children exit, all
/// in one `poll` loop on non-blocking pipe ends, so no pipe filling up can deadlock the exchange. Past
/// the deadline it runs the teardown on every child still running, and stops reading once they are
/// gone. Used by ``ChildProcess/collect(until:teardown:)`` and ``Pipeline/run(input:timeout:teardown:)``.
struct StreamPump {
    /// A pipe end being read, and what was read from it.
    struct Output {
        var fd: FileDescriptor?
        var collector: OutputCollector
    }

    var input: FileDescriptor?
    let inputBytes: [UInt8]
    var inputOffset = 0
    var outputs: [Output]
    let children: [ChildProcess]
    var statuses: [WaitStatus?]
    let deadline: Deadline?
    private var timedOut = false
    /// The teardown, once the deadline has passed.
    private var progress: TeardownProgress
    /// Whether a child may have exited since the last look: set at the start, when a pidfd polls
    /// readable, and every round for a child without one.
    private var mayHaveExited = true

    init(_ run: PreparedRun, deadline: Deadline?, teardown: Teardown) {
        input = run.input
        inputBytes = run.inputBytes
        outputs = run.outputs.map { Output(fd: $0.fd, collector: OutputCollector(limit: $0.limit)) }
        children = run.children
        statuses = Array(repeating: nil, count: children.count)
        self.deadline = deadline
        progress = TeardownProgress(teardown)
    }

    /// Runs the exchange to its end: every child reaped, every output at end of file (or, after a
    /// timeout, abandoned once the children are gone). On an error the children are killed and reaped
    /// before it is thrown, and every pipe end it holds is closed.
    consuming func run() throws(SpawnError) -> PreparedRun.Outcome {
        var failure: (SpawnError.Step, Errno)?
        do throws(Errno) {
            for fd in [input] + outputs.map({ $0.fd }) { if let fd, pk_set_nonblocking(fd.rawValue, 1) != 0 { throw Errno.current } }
            if inputBytes.isEmpty { closeInput() }
            while try step() {}
        } catch {
            failure = (statuses.contains(nil) && error == .noChildProcess ? .wait : .communication, error)
        }
        closeInput()
        for index in outputs.indices { closeOutput(index) }
        if let failure {
            for (index, child) in children.enumerated() where statuses[index] == nil {
                statuses[index] = try? child.tearDown(.kill)
            }
            throw SpawnError(program: children.first?.program ?? "", step: failure.0, errno: failure.1)
        }
        return PreparedRun.Outcome(statuses: statuses.map { $0! }, outputs: outputs.map { ($0.collector.bytes, $0.collector.truncated) },
                                   timedOut: timedOut)
    }

    /// One round of the loop: false when there is nothing left to do.
    private mutating func step() throws(Errno) -> Bool {
        if mayHaveExited {
            for (index, child) in children.enumerated() where statuses[index] == nil {
                statuses[index] = try child.tryWait()
            }
            mayHaveExited = false
        }
        // Once the children are gone, it ends when every output is at end of file, or at once after
        // a teardown: what their descendants may still write is not waited for. run() closes the rest.
        if !statuses.contains(nil) && (timedOut || !outputs.contains { $0.fd != nil }) { return false }
        try advanceTeardown()

        var entries: [pollfd] = []
        if let input { entries.append(pollfd(fd: input.rawValue, events: Int16(POLLOUT), revents: 0)) }
        for output in outputs { if let fd = output.fd { entries.append(pollfd(fd: fd.rawValue, events: Int16(POLLIN), revents: 0)) } }
        var watchesExit = true
        for (index, child) in children.enumerated() where statuses[index] == nil {
            guard let pidfd = child.pidDescriptor else { watchesExit = false; continue }
            entries.append(pollfd(fd: pidfd.rawValue, events: Int16(POLLIN), revents: 0))
        }
        let due = [timedOut ? nil : deadline, progress.nextDue].compactMap { $0 }.min()
        var milliseconds = due?.millisecondsRemaining ?? -1
        if !watchesExit { milliseconds = milliseconds < 0 ? 50 : min(milliseconds, 50) }
        let ready = entries.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t($0.count), milliseconds) }
        if ready < 0 {
            guard Errno.current == .interrupted else { throw Errno.current }
            mayHaveExited = true
            return true
        }
        if !watchesExit { mayHaveExited = true }
        var position = 0
        if input != nil {
            if entries[0].revents != 0 { try feedInput() }
            position = 1
        }
        for index in outputs.indices where outputs[index].fd != nil {
            if entries[position].revents != 0 { try drain(index) }
            position += 1
        }
        for entry in entries[position...] where entry.revents != 0 { mayHaveExited = true }
        return true
    }

    /// Starts the teardown once the deadline has passed, and takes each step as it comes due.
    private mutating func advanceTeardown() throws(Errno) {
        guard let deadline else { return }
        if !timedOut {
            guard deadline.hasPassed else { return }
            timedOut = true
        }
        let children = self.children, statuses = self.statuses, toGroup = progress.teardown.signalsProcessGroup
        _ = try progress.advance { (signal) throws(Errno) in
            for (index, child) in children.enumerated() where statuses[index] == nil {
                try child.sendIgnoringGone(signal, toGroup: toGroup)
            }
        }
    }

    /// Writes as much of the remaining input as the pipe takes, and closes it once all is written or
    /// the child stopped reading.
    private mutating func feedInput() throws(Errno) {
        if let input, try input.feed(inputBytes, from: &inputOffset) { closeInput() }
    }

    /// Reads what output `index` has, until a read finds the pipe emptied or after a few full reads,
    /// so the other pipes get their turn.
    private mutating func drain(_ index: Int) throws(Errno) {
        guard let fd = outputs[index].fd else { return }
        for _ in 0..<16 {
            guard let mayHaveMore = try outputs[index].collector.takeAvailable(from: fd) else {
                closeOutput(index)
                return
            }
            if !mayHaveMore { return }
        }
    }

    private mutating func closeInput() {
        try? input?.close()
        input = nil
    }

    private mutating func closeOutput(_ index: Int) {
        try? outputs[index].fd?.close()
        outputs[index].fd = nil
    }
}
