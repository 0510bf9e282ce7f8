import CProcessKit
import ProcessKit

/// The shape /etc/passwd and /etc/group share: one record a line, fields split by ":". Read straight
/// from the files, without the C library's name service (NSS): swinit and rebound are static
/// binaries, in which NSS modules (LDAP, systemd's dynamic users) cannot be loaded.
enum AccountFile {
    /// The file's bytes; none when it does not exist (a minimal image may have no /etc/group).
    static func read(_ path: String) throws(Errno) -> [UInt8] {
        let file: FileDescriptor
        do { file = try FileDescriptor.open(path, .read) } catch  where error == .noSuchFile { return [] }
        defer { try? file.close() }
        // A plain loop: readToEnd's capture machinery costs the static binaries more than this.
        var bytes: [UInt8] = []
        while true {
            let chunk = try file.read(upToCount: 16384)
            if chunk.isEmpty { return bytes }
            bytes += chunk
        }
    }

    /// The records of `bytes` that have at least `fields` fields, each split at ":". Blank lines and
    /// "#" comments are no records; neither are lines with too few fields, which the C library's
    /// files lookup skips too.
    static func records(_ bytes: [UInt8], fields: Int) -> [[ArraySlice<UInt8>]] {
        var records: [[ArraySlice<UInt8>]] = []
        for line in split(bytes[...], at: UInt8(ascii: "\n")) where line.first != UInt8(ascii: "#") {
            let record = split(line, at: UInt8(ascii: ":"))
            if record.count >= fields { records.append(record) }
        }
        return records
    }

    /// The parts of `bytes` between `separator`s, empty ones included ("a::b" is three parts). Written
    /// out rather than the standard library's `split`, whose specializations cost the static
    /// binaries kilobytes each.
    static func split(_ bytes: ArraySlice<UInt8>, at separator: UInt8) -> [ArraySlice<UInt8>] {
        var parts: [ArraySlice<UInt8>] = []
        var start = bytes.startIndex
        for index in bytes.indices where bytes[index] == separator {
            parts.append(bytes[start..<index])
            start = index + 1
        }
        parts.append(bytes[start...])
        return parts
    }

    /// A user or group id: 1 to 10 decimal digits up to 4294967294 ((uid_t)-1 is no id); nil otherwise.
    static func id(_ bytes: ArraySlice<UInt8>) -> UInt32? {
        guard (1...10).contains(bytes.count) else { return nil }
        var value: UInt64 = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + UInt64(byte - UInt8(ascii: "0"))
        }
        return value < UInt64(UInt32.max) ? UInt32(value) : nil
    }
}
