import ProcessKit
import ToolSupport

/// `--stop-sequence`: the signals a SIGTERM to swinit turns into, with delays between them, for
/// workers that want an early "stop taking work" and a late "exit now". `TSTP,20,TERM` sends
/// SIGTSTP at once and SIGTERM 20 s later unless the child has exited; `10,TERM` holds the SIGTERM
/// for 10 s (while a load balancer stops sending work) and then sends it.
///
/// Grammar: `[SECONDS,]SIGNAL[,SECONDS,SIGNAL]...`: signals (names or numbers) and delays (seconds,
/// fractions allowed) alternate and the last item is a signal. A first signal `0` sends nothing, so
/// `0,10,TERM` is `10,TERM`.
struct StopSequence: Equatable {
    /// One signal and how long after the previous step it is sent (0 for the first).
    struct Step: Equatable {
        let delay: Duration
        /// nil for the "nothing yet" a sequence that starts with a delay begins with.
        let signal: Signal?
    }

    let steps: [Step]

    /// With no steps (the default) there is nothing to do: SIGTERM is forwarded as usual.
    init(steps: [Step] = []) { self.steps = steps }

    /// Reads `TSTP,20,TERM`; the message of a thrown error names the bad item.
    init(parsing text: String) throws(UsageError) {
        let hint = "(use [SECONDS,]SIGNAL[,SECONDS,SIGNAL]..., e.g. TSTP,20,TERM)"
        func failure(_ reason: String) -> UsageError {
            UsageError(message: "not a valid --stop-sequence '\(text)': \(reason) \(hint)")
        }
        var items = text.utf8.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        // An even number of items that starts with a number starts with a delay: read it as a first
        // signal 0 (nothing) before it.
        let startsWithDelay = items.count % 2 == 0 && (try? OptionValue.seconds(items[0].utf8).get()) != nil
        if startsWithDelay {
            items.insert("0", at: 0)
        } else if items.count % 2 == 0, !items[0].isEmpty, (try? Signal(parsing: items[0])) == nil {
            throw failure("item 1 '\(items[0])' is neither a number of seconds nor a signal")
        }
        func position(_ index: Int) -> Int { startsWithDelay ? index : index + 1 }
        var steps: [Step] = []
        var delay = Duration.zero
        for (index, item) in items.enumerated() {
            guard !item.isEmpty else { throw failure("item \(position(index)) is empty") }
            if index % 2 == 0 {
                if index == 0 && OptionValue.wholeNumber(item.utf8) == 0 {
                    steps.append(Step(delay: .zero, signal: nil))
                    continue
                }
                do { steps.append(Step(delay: delay, signal: try Signal(parsing: item))) } catch {
                    throw failure("item \(position(index)) '\(item)' is not a signal")
                }
            } else {
                guard let duration = try? OptionValue.seconds(item.utf8).get().duration else {
                    throw failure("item \(position(index)) '\(item)' is not a number of seconds; signals and delays alternate")
                }
                delay = duration
            }
        }
        guard items.count % 2 == 1 else {
            throw failure("it ends with the delay '\(items[items.count - 1])'; a signal must follow")
        }
        self.steps = steps
    }
}
