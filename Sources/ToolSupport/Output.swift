import CProcessKit
import ProcessKit

/// Writes whole lines to a file descriptor with `write(2)`, unbuffered, so a log line is out before
/// the process exits. A closed pipe gives EPIPE, which is
/// ignored (the caller keeps SIGPIPE blocked or ignored so it cannot kill an init); the SIGPIPE the
/// failed write raised is taken at once, so a supervisor never receives it as a signal to forward.
public enum Output {
    /// Writes `text` and a newline to standard error.
    public static func error(_ text: String) { write(text + "\n", to: 2) }

    /// Writes `text` (a --help or --version text) and a newline to standard output and exits 0.
    public static func exit(showing text: String) -> Never {
        write(text + "\n", to: 1)
        ProcessControl.exit(0)
    }

    /// Writes `text` as is to `fd`, retrying short writes and EINTR.
    public static func write(_ text: String, to fd: Int32) {
        do throws(Errno) { try FileDescriptor(rawValue: fd).writeAll(Array(text.utf8)) } catch where error.rawValue == EPIPE {
            pk_discard_own_sigpipe()
        } catch {}
    }
}
