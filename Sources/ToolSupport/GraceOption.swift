import ProcessKit

/// Reads the values of `--grace SECS` and `--grace-signal SIG` the same way in every tool that
/// drains (``GracefulDrain``); a thrown error's message names the option and the value.
public enum GraceOption {
    /// A grace period in seconds from 0 to ``GracefulDrain/maximumGrace``, fractions allowed ("30", "2.5").
    public static func grace(_ value: [UInt8], for option: String) throws(UsageError) -> Duration {
        let limit = GracefulDrain.maximumGrace.components.seconds
        let grace = try OptionValue.seconds(value, for: option, hint: "use 0 to \(limit), e.g. 30 or 2.5").duration
        guard grace <= GracefulDrain.maximumGrace else {
            throw UsageError(message: "\(option) '\(OptionValue.shown(value))' is longer than a day (use 0 to \(limit) seconds)")
        }
        return grace
    }

    /// A signal by name (`INT`, `SIGINT`, `int`) or number (`2`).
    public static func signal(_ value: [UInt8], for option: String) throws(UsageError) -> Signal {
        do { return try Signal(parsing: String(decoding: value, as: UTF8.self)) } catch {
            throw UsageError(
                message:
                    "not a valid signal for \(option): '\(OptionValue.shown(value))' (use a name such as TERM, INT, QUIT or a number)"
            )
        }
    }
}
