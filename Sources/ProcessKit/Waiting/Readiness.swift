import CProcessKit

/// What a ``Stepper`` waits for before its next step: one of some fds becoming readable or writable
/// (or hanging up), or a time, whichever comes first. It has two drivers, one for each form of every
/// wait in ProcessKit: ``block()`` sleeps in `poll` (the synchronous forms), the event poller
/// suspends a task on its `epoll` thread (the `await` forms).
struct Readiness: Sendable {
    /// One fd to watch: for reading, or with `writable` for writing.
    struct Watch: Sendable {
        let fd: Int32
        let writable: Bool
    }

    var watches: [Watch] = []
    /// When to stop waiting anyway; nil: only an fd ends the wait.
    var deadline: Deadline?

    /// Sleeps in `poll` until a watched fd is ready or the deadline has passed. A signal handler
    /// running meanwhile ends it early, which the next step takes in its stride.
    func block() throws(Errno) {
        var entries = watches.map { pollfd(fd: $0.fd, events: Int16($0.writable ? POLLOUT : POLLIN), revents: 0) }
        let milliseconds = deadline?.millisecondsRemaining ?? -1
        let result = entries.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t($0.count), milliseconds) }
        if result < 0 && Errno.current != .interrupted { throw Errno.current }
    }
}

/// A state machine for waiting without ever blocking in it: each ``step()`` does what can be done now
/// (reap, signal, read, write) and says what to wait for before the next, nil once it is over. The
/// same machine runs in the calling thread (``runBlocking()``, with `poll`) and, in hosted builds,
/// in a task on the event poller (`await`), so every bound it keeps holds in both forms.
protocol Stepper {
    mutating func step() throws(Errno) -> Readiness?
}

extension Stepper {
    /// Runs the machine to its end in this thread.
    mutating func runBlocking() throws(Errno) {
        while let readiness = try step() { try readiness.block() }
    }
}
