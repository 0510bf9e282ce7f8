import CProcessKit

/// The environment a child starts with: this process's own (``inherit``) or a given list of entries,
/// with single variables set or removed on top. Entries are bytes, passed on exactly (they need not
/// be UTF-8); the `String` forms are views of them.
///
/// ```swift
/// var command = Command("make")
/// command.environment = .inherit.updating(["CC": "clang", "MAKEFLAGS": nil])
/// Environment.current.value(of: "HOME")   // this process's HOME
/// ```
public struct Environment: Equatable, Sendable, ExpressibleByArrayLiteral {
    /// Where the entries start from.
    enum Base: Equatable, Sendable {
        /// This process's environment as it is when the child is started.
        case inherit
        /// These "NAME=value" entries.
        case entries([[UInt8]])
    }

    /// One variable set (value) or removed (nil value), applied in order on top of the base.
    struct Change: Equatable, Sendable {
        let name: [UInt8]
        let value: [UInt8]?
    }

    let base: Base
    private(set) var changes: [Change] = []

    init(base: Base) { self.base = base }

    /// This process's environment, read when the child is started (the default).
    public static var inherit: Environment { Environment(base: .inherit) }

    /// No variables at all: the child sees only what ``updating(_:)`` or `set(_:to:)` add.
    public static var empty: Environment { Environment(base: .entries([])) }

    /// Exactly these "NAME=value" entries.
    public init(entries: [String]) { base = .entries(entries.map { Array($0.utf8) }) }

    /// Exactly these "NAME=value" entries, as bytes (need not be UTF-8; no NUL). An entry without "="
    /// or without a name fails the spawn (``SpawnError/Step/environment``).
    public init(entryBytes: [[UInt8]]) { base = .entries(entryBytes) }

    /// Exactly these "NAME=value" entries: `command.environment = ["PATH=/bin", "LANG=C"]`.
    public init(arrayLiteral entries: String...) { self.init(entries: entries) }

    /// A snapshot of this process's environment now, as entries.
    public static var current: Environment { Environment(base: .entries(Environment.processEntries())) }

    /// This environment with each variable in `values` set, or removed where the value is nil.
    public func updating(_ values: [String: String?]) -> Environment {
        var updated = self
        for (name, value) in values { updated.set(Array(name.utf8), to: value.map { Array($0.utf8) }) }
        return updated
    }

    /// Sets `name` to `value`, replacing any entry it had.
    public mutating func set(_ name: String, to value: String) { set(Array(name.utf8), to: Array(value.utf8)) }

    /// Removes every entry of `name`.
    public mutating func remove(_ name: String) { set(Array(name.utf8), to: nil) }

    /// Sets `name` to `value` as bytes, or removes it when `value` is nil (need not be UTF-8; no NUL, no
    /// "=" in the name).
    public mutating func set(_ name: [UInt8], to value: [UInt8]?) { changes.append(Change(name: name, value: value)) }

    /// The resolved "NAME=value" entries as bytes: the base (this process's environment now, for
    /// ``inherit``) with the changes applied in order; a variable set goes to the end.
    public var entryBytes: [[UInt8]] {
        var entries: [[UInt8]]
        switch base {
        case .inherit: entries = Environment.processEntries()
        case .entries(let given): entries = given
        }
        for change in changes {
            entries.removeAll { Environment.entry($0, isNamed: change.name) }
            if let value = change.value { entries.append(change.name + [UInt8(ascii: "=")] + value) }
        }
        return entries
    }

    /// The resolved entries as text (bytes that are not UTF-8 read as U+FFFD).
    public var entries: [String] { entryBytes.map { String(decoding: $0, as: UTF8.self) } }

    /// The value of `name` in the resolved entries (the first, as with `getenv`); nil when unset.
    public func value(of name: String) -> String? {
        valueBytes(of: Array(name.utf8)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The value of `name` as bytes; nil when unset.
    public func valueBytes(of name: [UInt8]) -> [UInt8]? {
        guard let entry = entryBytes.first(where: { Environment.entry($0, isNamed: name) }) else { return nil }
        return Array(entry[(name.count + 1)...])
    }

    /// True when this is this process's environment unchanged, which a child can be given as it is.
    var isUnchangedInherit: Bool { base == .inherit && changes.isEmpty }

    /// Why this environment cannot be passed on, or nil: a given entry that is not "NAME=value" (no
    /// "=", which no getenv would find, or an empty name), or a variable set or removed by a name that
    /// is empty or has "=" in it. (NUL bytes are found as the entries are copied for the child.)
    func problem() -> String? {
        if case .entries(let given) = base {
            for (index, entry) in given.enumerated() {
                guard let equals = entry.firstIndex(of: UInt8(ascii: "=")) else {
                    return "environment entry " + String(index + 1) + " '" + String(decoding: entry, as: UTF8.self)
                        + "' has no '='"
                }
                if equals == 0 {
                    return "environment entry " + String(index + 1) + " '" + String(decoding: entry, as: UTF8.self)
                        + "' has no name"
                }
            }
        }
        for change in changes where change.name.isEmpty || CStringArray.has(UInt8(ascii: "="), in: change.name) {
            return "environment variable name '" + String(decoding: change.name, as: UTF8.self) + "' is empty or contains '='"
        }
        return nil
    }

    static func entry(_ entry: [UInt8], isNamed name: [UInt8]) -> Bool {
        guard entry.count > name.count, entry[name.count] == UInt8(ascii: "=") else { return false }
        for index in name.indices where entry[index] != name[index] { return false }
        return true
    }

    /// This process's environ, entry by entry.
    static func processEntries() -> [[UInt8]] {
        let environment = pk_environ()
        var entries: [[UInt8]] = []
        while let entry = environment[entries.count] {
            entries.append(Array(UnsafeRawBufferPointer(start: entry, count: strlen(entry))))
        }
        return entries
    }
}
