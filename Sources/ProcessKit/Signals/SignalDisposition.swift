/// What a process does when a signal arrives.
public enum SignalDisposition: Int32, Sendable {
    case `default` = 0
    case ignore = 1
    case handled = 2
}
