/// What a process does when a signal arrives.
public enum SignalDisposition: Int32, Sendable {
    /// The signal's default action (SIG_DFL): end, stop, or nothing, depending on the signal.
    case `default` = 0
    /// Ignored (SIG_IGN); a child started with `exec` keeps it ignored.
    case ignore = 1
    /// Caught by a handler; `exec` resets it to the default.
    case handled = 2

    /// The disposition the C side reports as `rawValue` (0 default, 1 ignored, 2 handled); nil for
    /// any other number.
    public init?(rawValue: Int32) {
        switch rawValue {
        case 0: self = .default
        case 1: self = .ignore
        case 2: self = .handled
        default: return nil
        }
    }
}
