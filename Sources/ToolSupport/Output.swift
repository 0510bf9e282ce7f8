import CProcessKit
import ProcessKit

/// Writes whole lines to a file descriptor with `write(2)`, unbuffered, so a line is out before the
/// process exits. A closed pipe gives EPIPE, which is ignored (the caller keeps SIGPIPE blocked or
/// ignored so it cannot kill an init); the SIGPIPE the failed write raised is taken at once, so a
/// supervisor never receives it as a signal to forward.
public enum Output {
    /// Writes `text` and a newline to standard error.
    public static func error(_ text: String) { write(text + "\n", to: 2) }

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
            let length = byte < 0x80 ? 1 : byte >= 0xC2 && byte <= 0xDF ? 2 : byte >= 0xE0 && byte <= 0xEF ? 3
                : byte >= 0xF0 && byte <= 0xF4 ? 4 : 0
            if length > 1, index + length <= bytes.count, bytes[(index + 1)..<(index + length)].allSatisfy({ $0 & 0xC0 == 0x80 }) {
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
        do throws(Errno) { try FileDescriptor(rawValue: fd).writeAll(Array(text.utf8)) } catch where error.rawValue == EPIPE {
            pk_discard_own_sigpipe()
        } catch {}
    }
}
