import CProcessKit
import ProcessKit

/// Replaces a small file in one step: the new contents go to a new temporary file in the same
/// directory, which is then renamed over the old one. A reader that opens the file at any moment
/// gets the old contents or the new ones, never a half-written file (a status file a probe polls).
///
/// Safe in a directory that another user can write: the temporary file has a fresh random name and
/// is created with `O_EXCL|O_NOFOLLOW|O_NONBLOCK`, so whatever that user put in the directory (a
/// symbolic link, a FIFO, a device, a file of theirs) is never followed, opened or waited on, and
/// the file written is always one this process created. The rename replaces whatever is at the final
/// path without opening it. What such a user can still do is replace the final file themselves:
/// ``directoryWarning(for:)`` says when that is possible.
///
/// Paths are bytes, used exactly as given: a name that is not UTF-8 is the name written.
public enum AtomicFile {
    /// Writes `bytes` to a new temporary file beside `path`, sets its mode to `permissions` (whatever
    /// the umask), and renames it to `path`. On failure the temporary file is removed and `path`
    /// keeps its old contents.
    public static func replace(_ path: [UInt8], with bytes: [UInt8], permissions: UInt32 = 0o644) throws(Errno) {
        var attempts = 0
        while true {
            do {
                return try replace(path, with: bytes, through: temporaryPath(for: path), permissions: permissions)
            } catch {
                // A name already taken (64 random bits: someone put a file there): draw another.
                attempts += 1
                if error.rawValue != EEXIST || attempts == 4 { throw error }
            }
        }
    }

    /// ``replace(_:with:permissions:)`` through the temporary path given, which must not exist:
    /// anything there (even a symbolic link to nowhere) fails with EEXIST and is left alone.
    public static func replace(
        _ path: [UInt8], with bytes: [UInt8], through temporaryPath: [UInt8],
        permissions: UInt32 = 0o644
    ) throws(Errno) {
        let temporary = cString(temporaryPath)
        // Created here or not at all; a regular file, so O_NONBLOCK changes nothing once it is open.
        let fd = pk_open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NONBLOCK, 0o600)
        if fd < 0 { throw Errno.current }
        let file = FileDescriptor(rawValue: fd)
        var failure: Errno?
        if pk_set_mode(fd, Int32(permissions)) != 0 { failure = Errno.current }
        if failure == nil {
            do { try file.writeAll(bytes) } catch { failure = error }
        }
        do { try file.close() } catch { failure = failure ?? error }
        if failure == nil && rename(temporary, cString(path)) != 0 { failure = Errno.current }
        if let failure {
            _ = unlink(temporary)
            throw failure
        }
    }

    /// `DIR/.NAME.` and 16 random hex digits, for `DIR/NAME`: hidden, and a name nobody can guess in
    /// advance. Without random bytes (the kernel's pool not ready, early in boot), the clock's.
    static func temporaryPath(for path: [UInt8]) -> [UInt8] {
        var random: UInt64 = 0
        if withUnsafeMutableBytes(of: &random, { pk_random_bytes($0.baseAddress!, 8) }) != 8 {
            random = UInt64(bitPattern: Deadline.clockNanoseconds(CLOCK_MONOTONIC)) &* 0x9E37_79B9_7F4A_7C15
        }
        var bytes = path
        let nameStart = (bytes.lastIndex(of: UInt8(ascii: "/")) ?? -1) + 1
        bytes.insert(UInt8(ascii: "."), at: nameStart)
        bytes.append(UInt8(ascii: "."))
        let hex = Array("0123456789abcdef".utf8)
        for shift in stride(from: 60, through: 0, by: -4) { bytes.append(hex[Int((random >> UInt64(shift)) & 0xf)]) }
        return bytes
    }

    /// `path` NUL-terminated for a C call.
    static func cString(_ path: [UInt8]) -> [CChar] { path.map { CChar(bitPattern: $0) } + [0] }

    /// Why `path` cannot be kept this way, nil when it can: something other than a regular file is
    /// there ("is a symbolic link", "is not a regular file"), which a rename would replace without a
    /// word. Missing is fine: it is created.
    public static func refusal(for path: [UInt8]) -> String? {
        switch Int(pk_path_kind(cString(path))) {
        case PK_PATH_MISSING, PK_PATH_REGULAR: return nil
        case PK_PATH_SYMLINK: return "is a symbolic link"
        case PK_PATH_OTHER: return "is not a regular file"
        default: return "cannot be checked: " + Errno.current.description
        }
    }

    /// A warning when a user other than this process's can replace or remove files in `path`'s
    /// directory, nil when none can: the directory belongs to another user, or its group or everyone
    /// may write in it without the sticky bit (which keeps them to their own files, except for the
    /// directory's owner).
    public static func directoryWarning(for path: [UInt8]) -> String? {
        let directory = directoryName(of: path)
        var owner: UInt32 = 0, mode: UInt32 = 0
        // A missing directory fails each write, logged there.
        guard pk_owner_and_mode(cString(directory), &owner, &mode) == 0 else { return nil }
        guard writableByOthers(owner: owner, mode: mode, me: geteuid()) else { return nil }
        return "directory " + Output.printable(directory) + " can be written by another user (owner uid " + String(owner)
            + ", mode "
            + octal(mode) + "): they can replace " + Output.printable(path)
    }

    /// The rule of ``directoryWarning(for:)``, on a directory's owner and mode bits, for user `me`.
    static func writableByOthers(owner: UInt32, mode: UInt32, me: UInt32) -> Bool {
        if owner != me && owner != 0 && mode & 0o200 != 0 { return true }
        return mode & 0o022 != 0 && mode & 0o1000 == 0
    }

    /// "DIR" of "DIR/NAME", "/" of "/NAME", "." of "NAME".
    static func directoryName(of path: [UInt8]) -> [UInt8] {
        guard let slash = path.lastIndex(of: UInt8(ascii: "/")) else { return [UInt8(ascii: ".")] }
        return slash == 0 ? [UInt8(ascii: "/")] : Array(path[..<slash])
    }

    /// Mode bits as four octal digits: "0755", "1777".
    static func octal(_ mode: UInt32) -> String {
        var text = ""
        for shift in stride(from: 9, through: 0, by: -3) { text += String((mode >> UInt32(shift)) & 7) }
        return text
    }
}

/// The wall clock, for times other programs read (a status file's timestamps); intervals are measured
/// on the monotonic clock (``Deadline``), which does not jump.
public enum WallClock {
    /// Now, in nanoseconds since the Unix epoch.
    public static var nanosecondsSinceEpoch: Int64 { Deadline.clockNanoseconds(CLOCK_REALTIME) }
}
