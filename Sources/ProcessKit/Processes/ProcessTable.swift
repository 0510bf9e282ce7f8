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
        do { pids = try numericEntries(in: proc, capacity: 512) } catch { throw .unreadable(error) }
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

    /// The entries of `directory` named by a number (pids in /proc, fds in /proc/self/fd), read
    /// again into a larger buffer while they do not fit.
    static func numericEntries(in directory: String, capacity: Int = 256) throws(Errno) -> [Int32] {
        var capacity = capacity
        while true {
            var buffer = [Int32](repeating: 0, count: capacity)
            let count = pk_list_numeric_entries(directory, &buffer, Int32(capacity))
            if count < 0 { throw Errno.current }
            if Int(count) <= capacity { return Array(buffer[..<Int(count)]) }
            capacity = Int(count) + 64
        }
    }

    /// This process's pid as /proc numbers it (the target of /proc/self), nil if unreadable.
    static func pidInProc(_ proc: String) -> Int32? {
        var buffer = [CChar](repeating: 0, count: 32)
        let length = buffer.withUnsafeMutableBufferPointer { readlink(proc + "/self", $0.baseAddress!, 31) }
        guard length > 0 else { return nil }
        return ASCII.decimal(buffer[..<length].map { UInt8(bitPattern: $0) })
    }

    /// A small text file's contents, nil if it cannot be read (e.g. the process has gone).
    static func readSmallFile(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 1024)
        let length = pk_read_small_file(path, &buffer, 1024)
        guard length >= 0 else { return nil }
        return String(decoding: buffer[..<Int(length)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
