import ProcessKit
import ToolSupport

/// `--rewrite FROM:TO` (dumb-init's option): a signal swinit receives is forwarded as another one,
/// or with TO = 0 not at all. Example: nginx stops gracefully on SIGQUIT, `docker stop` sends SIGTERM.
struct SignalRewrites: Equatable {
    /// One rewrite; `to` nil drops `from`.
    struct Rule: Equatable {
        let from: Signal
        let to: Signal?
    }

    private(set) var rules: [Rule] = []

    var isEmpty: Bool { rules.isEmpty }

    /// The signal to forward in place of `signal`: itself when no rule names it, nil when dropped.
    func rewritten(_ signal: Signal) -> Signal? {
        for rule in rules where rule.from == signal { return rule.to }
        return signal
    }

    /// True when a rule rewrites `signal`.
    func rewrites(_ signal: Signal) -> Bool { rules.contains { $0.from == signal } }

    /// Adds one `FROM:TO` rule; names (TERM, SIGTERM) or numbers on both sides, TO may be 0. FROM must
    /// be a signal swinit forwards, and each FROM may appear once.
    mutating func add(parsing text: String) throws(UsageError) {
        let sides = text.utf8.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard sides.count == 2, !sides[0].isEmpty, !sides[1].isEmpty else {
            throw UsageError(message: "not a valid --rewrite '\(text)' (use FROM:TO, e.g. TERM:QUIT, or TERM:0 to drop SIGTERM)")
        }
        let from: Signal, to: Signal?
        do {
            from = try Signal(parsing: String(decoding: sides[0], as: UTF8.self))
            // Bytes, not String's ==, which would link Unicode tables (see ProcessKit's ASCII).
            to = sides[1].elementsEqual("0".utf8) ? nil : try Signal(parsing: String(decoding: sides[1], as: UTF8.self))
        } catch {
            throw UsageError(message: "not a valid --rewrite '\(text)': \(error)")
        }
        guard SupervisorEvents.forwarded.subtracting(SupervisorEvents.terminalSignals).contains(from) else {
            throw UsageError(
                message: "not a valid --rewrite '\(text)': swinit never forwards \(from.name), so it cannot be rewritten")
        }
        guard !rewrites(from) else {
            throw UsageError(
                message: "not a valid --rewrite '\(text)': \(from.name) is already rewritten by an earlier --rewrite")
        }
        rules.append(Rule(from: from, to: to))
    }
}
