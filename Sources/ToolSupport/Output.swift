import CProcessKit
import ProcessKit

/// Writes whole lines to a file descriptor with `write(2)`, unbuffered, so a line is out before the
/// process exits. A closed pipe gives EPIPE, which is ignored (the caller keeps SIGPIPE blocked or
/// ignored so it cannot kill an init); the SIGPIPE the failed write raised is taken at once, so a
/// supervisor never receives it as a signal to forward.
///
/// Log lines (``log(_:note:)``) never wait: an init that blocks on a full standard error pipe
/// (its reader stopped reading) stops reaping and stops acting on signals, so a line that cannot be
/// written at once is dropped and counted, and the next line that gets through says how many were lost.
public enum Output {
    /// Writes `text` and a newline to standard error, waiting for it if need be (a usage message
    /// before anything runs).
    public static func error(_ text: String) { write(text + "\n", to: 2) }

    /// The longest line ``log(_:note:)`` writes, newline included: PIPE_BUF, the most a pipe takes
    /// in one piece, so that a line is written whole or not at all and never mixes with the child's output.
    public static let longestLogLine = 4096

    /// Log lines not written since the last one that was: they would have blocked.
    nonisolated(unsafe) private static var droppedLines = 0
    /// Whether the last line written was cut short (a terminal or a socket took only part of it).
    nonisolated(unsafe) private static var unfinishedLine = false

    /// Writes `line` as one line on standard error (``printable(_:)``, at most ``longestLogLine``
    /// bytes) if that can be done without waiting; otherwise drops it and counts it. The first line
    /// that gets through after lines were dropped comes after a line that says how many: `note` makes
    /// it, in the tool's log format, from the count and the words "3 log lines were dropped: standard
    /// error would have blocked". The tools log from one thread, which this state relies on.
    public static func log(_ line: String, note: (_ dropped: Int, _ message: String) -> String) {
        if droppedLines > 0 {
            let count = droppedLines == 1 ? "1 log line was" : String(droppedLines) + " log lines were"
            let noteLine = note(droppedLines, count + " dropped: standard error would have blocked")
            guard writeWithoutBlocking((unfinishedLine ? [UInt8(ascii: "\n")] : []) + lineBytes(noteLine)) else {
                droppedLines += 1
                return
            }
            droppedLines = 0
        }
        if !writeWithoutBlocking(lineBytes(line)) { droppedLines += 1 }
    }

    /// `text` made printable and held to ``longestLogLine``, with its newline.
    static func lineBytes(_ text: String) -> [UInt8] {
        var bytes = Array(printable(text).utf8)
        if bytes.count >= longestLogLine {
            let marker = Array(" [cut]".utf8)
            var end = longestLogLine - 1 - marker.count
            while end > 0 && bytes[end] & 0xC0 == 0x80 { end -= 1 }  // not inside a character
            bytes = Array(bytes[..<end]) + marker
        }
        return bytes + [UInt8(ascii: "\n")]
    }

    /// Writes `bytes` to standard error without waiting (`pk_write_without_blocking`). False when not
    /// a byte could be written now; a line written in part counts as written, and the next one that
    /// gets through is put on a line of its own.
    static func writeWithoutBlocking(_ bytes: [UInt8]) -> Bool {
        var done = 0
        while done < bytes.count {
            let written = bytes[done...].withUnsafeBytes { pk_write_without_blocking(2, $0.baseAddress!, UInt($0.count)) }
            if written > 0 {
                done += written
                continue
            }
            let error = written == 0 ? Errno.tryAgain : Errno.current
            if error.rawValue == EPIPE { pk_discard_own_sigpipe() }
            if error.rawValue == EAGAIN && done == 0 { return false }
            unfinishedLine = error.rawValue == EAGAIN
            return true  // part of it, or an error that waiting would not cure: nothing to count
        }
        unfinishedLine = false
        return true
    }

    /// Writes `text` (a --help or --version text) and a newline to standard output and exits 0.
    public static func exit(showing text: String) -> Never {
        write(text + "\n", to: 1)
        ProcessControl.exit(0)
    }

    /// `bytes` as one line of text for a log or a message: control bytes (a newline, an escape) and
    /// bytes that are not UTF-8 become `\xNN`, so what a name or a value holds can neither split the
    /// line nor drive the terminal. Text without them comes out unchanged (a backslash too), so lines
    /// stay byte for byte those of tini and the C rebound.
    public static func printable(_ bytes: some Sequence<UInt8>) -> String {
        let bytes = Array(bytes)
        var shown: [UInt8] = []
        shown.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            // The length of the UTF-8 sequence this byte starts (its lead byte's pattern), 0 when none.
            let length =
                byte < 0x80
                ? 1
                : byte >= 0xC2 && byte <= 0xDF
                    ? 2
                    : byte >= 0xE0 && byte <= 0xEF
                        ? 3
                        : byte >= 0xF0 && byte <= 0xF4 ? 4 : 0
            if length > 1, index + length <= bytes.count, bytes[(index + 1)..<(index + length)].allSatisfy({ $0 & 0xC0 == 0x80 })
            {
                shown += bytes[index..<(index + length)]
                index += length
                continue
            }
            if length == 1 && byte >= 0x20 && byte != 0x7F {
                shown.append(byte)
            } else {
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                shown += [UInt8(ascii: "\\"), UInt8(ascii: "x"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            }
            index += 1
        }
        return String(decoding: shown, as: UTF8.self)
    }

    /// `text` as ``printable(_:)`` shows it.
    public static func printable(_ text: String) -> String { printable(text.utf8) }

    /// Writes `text` as is to `fd`, retrying short writes and EINTR.
    public static func write(_ text: String, to fd: Int32) {
        do throws(Errno) { try FileDescriptor(rawValue: fd).writeAll(Array(text.utf8)) } catch  where error.rawValue == EPIPE {
            pk_discard_own_sigpipe()
        } catch {}
    }
}
