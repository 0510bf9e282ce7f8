import CProcessKit

/// The one run engine: feeds a run's input, reads its captured outputs and waits for its children,
/// on non-blocking pipe ends so that no pipe filling up can deadlock the exchange. Past the
/// deadline the children still running are stopped with the teardown while the outputs are still
/// read. A ``Stepper``: the synchronous runs drive it with `poll`, the `await` forms on the event
/// poller, so both keep the same bounds.
///
/// Once every child is reaped it stops reading when the outputs are at end of file, and in any case
/// at once after a timeout or a cancellation, with ``OutputEnd/childExit``, or at the deadline: what
/// the children's descendants may still write to a pipe they hold is not waited for then. Each round
/// reads at most a bounded amount, so a descendant that never stops writing cannot hold it either.
struct RunExchange: Stepper {
    /// A pipe end being read, and what was read from it.
    private struct Output {
        var fd: FileDescriptor?
        var collector: OutputCollector
        /// Whether the pipe was asked to hold ``largePipe`` bytes.
        var enlarged = false
    }

    /// What a pipe is enlarged to once its output has passed it: a fast writer then fills the pipe
    /// sixteen times less often, and each read takes up to this much straight into the result. Small
    /// outputs keep the default 64 KiB, so the pipe memory a user is allowed (pipe-user-pages-soft) is
    /// not spent on them; a refusal is no error, the pipe stays as it was.
    static let largePipe: Int32 = 1 << 20

    private var input: FileDescriptor?
    private let inputBytes: [UInt8]
    private var inputOffset = 0
    private var outputs: [Output]
    private var watch: ExitWatch
    private let deadline: Deadline?
    private let outputEnd: OutputEnd
    /// True once the task running it was cancelled.
    private(set) var cancelled = false

    /// Takes over the run's input and output ends (all are closed by ``finish()`` or ``fail(_:)``).
    init(_ run: PreparedRun, deadline: Deadline?, teardown: Teardown, outputEnd: OutputEnd) {
        input = run.input
        inputBytes = run.inputBytes
        outputs = run.outputs.map { Output(fd: $0.fd, collector: OutputCollector(limit: $0.limit)) }
        watch = ExitWatch(run.children, deadline: deadline, teardown: teardown)
        self.deadline = deadline
        self.outputEnd = outputEnd
        if inputBytes.isEmpty { closeInput() }
    }

    /// Makes the pipe ends non-blocking, before the first step.
    func start() throws(Errno) {
        for fd in [input] + outputs.map({ $0.fd }) { if let fd, pk_set_nonblocking(fd.rawValue, 1) != 0 { throw Errno.current } }
    }

    /// Stops the children with the teardown from now on and ends once they are gone (a cancelled task).
    mutating func cancel() {
        cancelled = true
        watch.stopNow()
    }

    mutating func step() throws(Errno) -> Readiness? {
        // Reaping first: what a child wrote before it was reaped is in the pipe for the reads below.
        let exit = try watch.step()
        if exit == nil { closeInput() } else { try feedInput() }
        for index in outputs.indices { try drain(index) }
        var readiness: Readiness
        if let exit {
            readiness = exit
        } else {
            if !outputs.contains(where: { $0.fd != nil }) || watch.timedOut || cancelled || outputEnd == .childExit
                || deadline?.hasPassed == true
            {
                return nil
            }
            readiness = Readiness(deadline: deadline)
        }
        if let input { readiness.watches.append(Readiness.Watch(fd: input.rawValue, writable: true)) }
        for output in outputs {
            if let fd = output.fd { readiness.watches.append(Readiness.Watch(fd: fd.rawValue, writable: false)) }
        }
        return readiness
    }

    /// What it saw, once it is over; closes the pipe ends still open.
    mutating func finish() -> PreparedRun.Outcome {
        closeAll()
        return PreparedRun.Outcome(
            statuses: watch.statuses.map { $0! }, outputs: outputs.map { ($0.collector.bytes, $0.collector.truncated) },
            timedOut: watch.timedOut)
    }

    /// After `error`: closes the pipe ends, kills and reaps the children still running, and returns
    /// the error to throw.
    mutating func fail(_ error: Errno) -> SpawnError {
        closeAll()
        let running = watch.children.indices.filter { watch.statuses[$0] == nil }
        for index in running { _ = try? watch.children[index].tearDown(.kill) }
        return SpawnError(
            program: watch.children.first?.program ?? "",
            step: !running.isEmpty && error == .noChildProcess ? .wait : .communication,
            errno: error)
    }

    /// Writes as much of the remaining input as the pipe takes, and closes it once all is written or
    /// the child stopped reading.
    private mutating func feedInput() throws(Errno) {
        if let input, try input.feed(inputBytes, from: &inputOffset) { closeInput() }
    }

    /// Reads what output `index` has, until a read finds the pipe emptied or after a few full reads,
    /// so the other pipes get their turn and a writer that never stops cannot keep a round going.
    private mutating func drain(_ index: Int) throws(Errno) {
        guard let fd = outputs[index].fd else { return }
        if !outputs[index].enlarged && outputs[index].collector.keptCount >= Int(RunExchange.largePipe) {
            outputs[index].enlarged = true
            _ = pk_set_pipe_size(fd.rawValue, RunExchange.largePipe)
        }
        for _ in 0..<16 {
            guard let mayHaveMore = try outputs[index].collector.takeAvailable(from: fd) else {
                closeOutput(index)
                return
            }
            if !mayHaveMore { return }
        }
    }

    private mutating func closeAll() {
        closeInput()
        for index in outputs.indices { closeOutput(index) }
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

extension RunExchange {
    /// Runs `prepared` to its end in this thread. On an error the children are killed and reaped
    /// before it is thrown, and every pipe end is closed.
    static func run(
        _ prepared: PreparedRun, deadline: Deadline?, teardown: Teardown,
        outputEnd: OutputEnd
    ) throws(SpawnError) -> PreparedRun.Outcome {
        var exchange = RunExchange(prepared, deadline: deadline, teardown: teardown, outputEnd: outputEnd)
        do throws(Errno) {
            try exchange.start()
            try exchange.runBlocking()
        } catch {
            throw exchange.fail(error)
        }
        return exchange.finish()
    }
}
