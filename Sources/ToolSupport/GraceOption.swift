import ProcessKit

/// Reads the values of `--grace SECS` and `--grace-signal SIG` the same way in every tool that
/// drains (``GracefulDrain``); a thrown error's message names the option and the value.
public enum GraceOption {
    /// Seconds from 0 to ``GracefulDrain/maximumSeconds``, fractions allowed ("30", "2.5").
    public static func seconds(_ text: String, for option: String) throws(UsageError) -> Double {
        let limit = Int(GracefulDrain.maximumSeconds)
        guard let seconds = OptionValue.seconds(text) else {
            throw UsageError(message: "not a valid number of seconds for \(option): '\(text)' (use 0 to \(limit), e.g. 30 or 2.5)")
        }
        guard seconds <= GracefulDrain.maximumSeconds else {
            throw UsageError(message: "\(option) '\(text)' is longer than a day (use 0 to \(limit) seconds)")
        }
        return seconds
    }

    /// A signal by name (`INT`, `SIGINT`, `int`) or number (`2`).
    public static func signal(_ text: String, for option: String) throws(UsageError) -> Signal {
        do { return try Signal(parsing: text) } catch {
            throw UsageError(message: "not a valid signal for \(option): '\(text)' (use a name such as TERM, INT, QUIT or a number)")
        }
    }
}
