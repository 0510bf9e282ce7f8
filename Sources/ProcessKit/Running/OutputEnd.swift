/// When a run stops reading the outputs it captures, once its children have exited.
///
/// A process the child started in the background may hold its standard output or error open long
/// after the child has gone (`sh -c 'server & echo started'`). With a timeout, a run returns at the
/// latest when the timeout is up (plus the teardown's waits, if the child was still running then),
/// either way; these settle what it waits for before that.
public enum OutputEnd: Equatable, Sendable {
    /// Until every writer has closed them, as a shell's `$(...)` does, so nothing written to the
    /// pipes is lost; with a timeout, until it is up at the latest. The default.
    case endOfFile
    /// Until the children have exited: what is in the pipes then is read, what their descendants
    /// write later is not.
    case childExit
}
