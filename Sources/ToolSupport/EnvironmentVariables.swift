import CProcessKit
import ProcessKit

/// Some of this process's environment variables, picked out by name prefix in one pass.
///
/// `getenv` walks the whole environment for every name it is asked. A program that looks up several
/// related names, like swinit's `TINI_` and `SWINIT_` settings (usually none of them set), walks it
/// once here and then looks the names up among the few variables kept.
///
/// ```swift
/// let settings = EnvironmentVariables(prefixes: "TINI_", "SWINIT_")
/// settings.value(of: "TINI_VERBOSITY")   // "2", or nil
/// ```
public struct EnvironmentVariables: Sendable {
    /// The variables kept, in the environment's order.
    let variables: [(name: String, value: String)]

    /// Keeps the variables whose names start with one of `prefixes`.
    public init(prefixes: StaticString...) {
        var variables: [(name: String, value: String)] = []
        let environment = pk_environ()
        var index = 0
        while let entry = environment[index] {
            index += 1
            // An entry without "=" is no variable; getenv never finds one either.
            guard prefixes.contains(where: { EnvironmentVariables.entry(entry, startsWith: $0) }),
                let equals = strchr(entry, Int32(UInt8(ascii: "=")))
            else { continue }
            let name = UnsafeRawBufferPointer(start: entry, count: equals - entry)
            variables.append((String(decoding: name, as: UTF8.self), String(cString: equals + 1)))
        }
        self.variables = variables
    }

    /// The value of `name`, from its first entry as with `getenv`; nil when it is not set (or its name
    /// has none of the prefixes).
    public func value(of name: String) -> String? {
        variables.first { ASCII.equal($0.name, name) }?.value
    }

    private static func entry(_ entry: UnsafePointer<CChar>, startsWith prefix: StaticString) -> Bool {
        // Stops at the entry's NUL, which never matches a byte of the prefix.
        prefix.withUTF8Buffer { prefix in prefix.indices.allSatisfy { UInt8(bitPattern: entry[$0]) == prefix[$0] } }
    }
}
