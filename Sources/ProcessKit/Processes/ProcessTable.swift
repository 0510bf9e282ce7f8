import CProcessKit

/// The processes `/proc` lists, and the tree of processes below one of them (found by following
/// each process's parent link), e.g. to find what an init's child left running.
///
/// ```swift
/// for process in try ProcessTable.descendantsOfThisProcess() { print(process) }   // 1235 (sleep)
/// ```
public enum ProcessTable {
    /// Every process in /proc right now; processes that exit while it is read are left out.
    public static func snapshot(proc: String = "/proc") throws(ProcessTableError) -> [ProcessEntry] {
        let pids: [Int32]
        do { pids = try numericEntries(in: proc) } catch { throw .unreadable(error) }
        var entries: [ProcessEntry] = []
        entries.reserveCapacity(pids.count)
        for pid in pids {
            if let line = readSmallFile("\(proc)/\(pid)/stat"), let entry = ProcessEntry(statLine: line) {
                entries.append(entry)
            }
        }
        return entries
    }

    /// The processes below `pid` in `entries`: its children, their children, and so on.
    public static func descendants(of pid: Int32, in entries: [ProcessEntry]) -> [ProcessEntry] {
        var found: [ProcessEntry] = []
        var members: Set<Int32> = [pid]
        var grew = true
        // Each pass adds the children of what was found so far, until a pass adds none.
        while grew {
            grew = false
            for entry in entries where members.contains(entry.parentPID) && !members.contains(entry.pid) {
                found.append(entry)
                members.insert(entry.pid)
                grew = true
            }
        }
        return found.sorted { $0.pid < $1.pid }
    }

    /// The processes below this one. Throws ``ProcessTableError/foreignNamespace`` rather than
    /// guess when /proc shows another PID namespace, where the same numbers are other processes.
    public static func descendantsOfThisProcess(proc: String = "/proc") throws(ProcessTableError) -> [ProcessEntry] {
        guard pidInProc(proc) == ProcessControl.pid else { throw .foreignNamespace }
        return descendants(of: ProcessControl.pid, in: try snapshot(proc: proc))
    }

    /// The entries of `directory` named by a number (pids in /proc, fds in /proc/self/fd).
    static func numericEntries(in directory: String) throws(Errno) -> [Int32] {
        guard let listing = opendir(directory) else { throw Errno.current }
        defer { closedir(listing) }
        var numbers: [Int32] = []
        while let entry = readdir(listing) {
            if let number = withUnsafeBytes(of: &entry.pointee.d_name, { ASCII.decimal($0.prefix { $0 != 0 }) }) {
                numbers.append(number)
            }
        }
        return numbers
    }

    /// This process's pid as /proc numbers it (the target of /proc/self), nil if unreadable.
    static func pidInProc(_ proc: String) -> Int32? {
        var buffer = [CChar](repeating: 0, count: 32)
        let length = buffer.withUnsafeMutableBufferPointer { readlink(proc + "/self", $0.baseAddress!, 31) }
        guard length > 0 else { return nil }
        return ASCII.decimal(buffer[..<length].map { UInt8(bitPattern: $0) })
    }

    /// A small text file's first 1023 bytes, nil if it cannot be read (e.g. the process has gone), in
    /// one read: a /proc file such as /proc/PID/stat gives all it has to the first.
    static func readSmallFile(_ path: String) -> String? {
        guard let fd = try? FileDescriptor.open(path, .read) else { return nil }
        defer { try? fd.close() }
        guard let bytes = try? fd.read(upToCount: 1023) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}
