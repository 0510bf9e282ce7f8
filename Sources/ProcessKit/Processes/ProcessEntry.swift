/// One process as `/proc/PID/stat` shows it: pid, parent, command name and state.
public struct ProcessEntry: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// Its pid.
    public let pid: Int32
    /// Its parent's pid (0 for PID 1 of the namespace's root).
    public let parentPID: Int32
    /// The command name (`comm`, at most 15 bytes), e.g. "sleep".
    public let name: String
    /// The state letter: R running, S sleeping, D disk wait, T stopped, Z zombie, ...
    public let state: UInt8

    /// An entry from its fields, e.g. for tests of code that walks the process table.
    public init(pid: Int32, parentPID: Int32, name: String, state: UInt8) {
        self.pid = pid
        self.parentPID = parentPID
        self.name = name
        self.state = state
    }

    /// A zombie has exited and only waits to be reaped; signalling it does nothing.
    public var isZombie: Bool { state == UInt8(ascii: "Z") }

    /// "1234 (sleep)", the way logs name a process.
    public var description: String { "\(pid) (\(name))" }

    /// Reads a `/proc/PID/stat` line ("1234 (my worker) S 1 ..."); nil when it is not one. The name
    /// may itself contain spaces and parentheses, so it ends at the last ')'.
    public init?(statLine: String) {
        let bytes = Array(statLine.utf8)
        guard let open = bytes.firstIndex(of: UInt8(ascii: "(")), open >= 2,
            let close = bytes.lastIndex(of: UInt8(ascii: ")")), close > open,
            let pid = ASCII.decimal(bytes[..<(open - 1)])
        else { return nil }
        // After the name: " S PPID ..."
        let fields = bytes[(close + 1)...].split(separator: UInt8(ascii: " "), maxSplits: 2)
        guard fields.count >= 2, fields[0].count == 1,
            let parent = ASCII.decimal(fields[1])
        else { return nil }
        self.init(
            pid: pid, parentPID: parent, name: String(decoding: bytes[(open + 1)..<close], as: UTF8.self),
            state: fields[0].first!)
    }
}
