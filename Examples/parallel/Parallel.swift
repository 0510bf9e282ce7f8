import ProcessKit

/// `parallel [-P N] [-I TEXT] COMMAND [ARG]...`: runs COMMAND once per line of standard input, up
/// to N at a time (default 4), like `xargs -d '\n' -n 1 -P N`: one whole line per run, blanks
/// inside it kept, an empty line an empty argument. The line is the last argument, or with `-I TEXT` replaces TEXT wherever it
/// appears in the arguments. Standard output and error are the children's own.
///
/// Exit statuses, as xargs': 0 when every run succeeded; 123 when one exited 1-125; 124 when one
/// exited 255 (parallel starts no more then); 125 when one was killed by a signal or for a usage
/// error; 126 when COMMAND cannot be run; 127 when it is not found.
///
/// It waits for whichever child ends first with no polling and no thread: SIGCHLD stays blocked and
/// a `SignalWaiter` takes it, then each running child is asked, without blocking, whether it ended.
@main
struct Parallel {
    static func main() {
        var arguments = Array(Arguments.currentBytes.dropFirst())
        var jobs = 4
        var placeholder: [UInt8]?
        while let first = arguments.first, first.first == UInt8(ascii: "-"), arguments.count >= 2 {
            let flag = String(decoding: first, as: UTF8.self)
            if flag == "--" { arguments.removeFirst(); break }
            guard flag == "-P" || flag == "-I" else { usage("unknown option \(flag)") }
            let value = arguments[1]
            arguments.removeFirst(2)
            if flag == "-P" {
                guard let number = Int(String(decoding: value, as: UTF8.self)), number > 0 else {
                    usage("-P needs a number of jobs above 0")
                }
                jobs = number
            } else {
                guard !value.isEmpty else { usage("-I needs a text to replace") }
                placeholder = value
            }
        }
        guard let program = arguments.first else { usage("no command given") }
        let fixedArguments = Array(arguments.dropFirst())

        guard let waiter = try? SignalWaiter(blocking: [.child]) else { fail("cannot block SIGCHLD", 125) }
        var running: [ChildProcess] = []
        var exitStatus: Int32 = 0
        var stopStarting = false
        var lines = LineReader(fd: .standardInput)
        while true {
            // Start runs while there is room, input, and no reason to stop.
            while !stopStarting, running.count < jobs, let line = lines.next() {
                var command = Command(bytes: program, arguments: Parallel.arguments(for: line, fixedArguments, placeholder))
                command.standardInput = .null
                do { running.append(try command.spawn()) } catch {
                    printError("parallel: \(error)")
                    exitStatus = error.shellExitCode
                    stopStarting = true
                }
            }
            if running.isEmpty { break }
            _ = try? waiter.wait()  // a child ended (or another one will: each is checked below)
            running.removeAll { child in
                guard let status = try? child.tryWait() else { return false }
                switch status {
                case .exited(code: 0): break
                case .exited(code: 255):
                    exitStatus = max(exitStatus, 124)
                    stopStarting = true
                case .exited: exitStatus = max(exitStatus, 123)
                default: exitStatus = max(exitStatus, 125)
                }
                return true
            }
        }
        ProcessControl.exit(exitStatus)
    }

    /// The arguments of one run: the fixed ones and the line, or the fixed ones with the placeholder
    /// replaced by the line.
    static func arguments(for line: [UInt8], _ fixed: [[UInt8]], _ placeholder: [UInt8]?) -> [[UInt8]] {
        guard let placeholder else { return fixed + [line] }
        return fixed.map { argument in
            var result: [UInt8] = [], index = 0
            while index < argument.count {
                if argument[index...].starts(with: placeholder) {
                    result += line
                    index += placeholder.count
                } else {
                    result.append(argument[index])
                    index += 1
                }
            }
            return result
        }
    }

    static func usage(_ message: String) -> Never {
        printError("parallel: \(message)\nusage: parallel [-P N] [-I TEXT] COMMAND [ARG]...")
        ProcessControl.exit(125)
    }

    static func fail(_ message: String, _ status: Int32) -> Never {
        printError("parallel: \(message)")
        ProcessControl.exit(status)
    }

    static func printError(_ line: String) {
        try? FileDescriptor.standardError.writeAll(Array((line + "\n").utf8))
    }
}

/// The lines of an fd, read as they are asked for, without their newline (a last line without one
/// counts too).
struct LineReader {
    let fd: FileDescriptor
    var buffer: [UInt8] = []
    var ended = false

    mutating func next() -> [UInt8]? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                return line
            }
            if ended {
                guard !buffer.isEmpty else { return nil }
                defer { buffer = [] }
                return buffer
            }
            if let chunk = try? fd.read(upToCount: 65536), !chunk.isEmpty { buffer += chunk } else { ended = true }
        }
    }
}
