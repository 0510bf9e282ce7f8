import Foundation
import ProcessKit
import Testing
import ToolSupport

@Suite struct ToolLogTests {
    static func log(_ format: LogFormat, _ prefix: ToolLog.TextPrefix = .levelAndPID, verbosity: Int = 3) -> ToolLog {
        ToolLog(tool: prefix == .levelAndPID ? "swinit" : "rebound", format: format, verbosity: verbosity, textPrefix: prefix)
    }

    /// The line as a dictionary; fails the test when a JSON parser refuses it.
    static func parsed(_ line: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], sourceLocation: sourceLocation)
    }

    /// Text lines are tini's and the C rebound's, whatever fields the event has.
    @Test func textLinesKeepTheirPrefixes() {
        let pid = ProcessControl.pid
        #expect(
            Self.log(.text).line(.warning, "zombie_reaped", "Reaped zombie process with pid=7", [.reapedPID(7)])
                == "[WARN  swinit (\(pid))] Reaped zombie process with pid=7")
        #expect(Self.log(.text).line(.fatal, "spawn_failed", "x", []) == "[FATAL swinit (\(pid))] x")
        #expect(
            Self.log(.text, .toolName).line(.info, "child_starting", "starting sh", [.program("sh")]) == "rebound: starting sh")
    }

    /// A JSON line: level, tool, pid and event first, the fields in order, the message last.
    @Test func jsonLineHasTheEventItsFieldsAndTheMessage() throws {
        let line = Self.log(.json).line(
            .info, "child_exited", "Main child exited with signal (with signal 'SIGKILL')",
            [.childPID(42), .status(.signaled(.kill, coreDumped: false))])
        #expect(
            line == #"{"level":"info","tool":"swinit","pid":\#(ProcessControl.pid),"event":"child_exited","child_pid":42,"#
                + #""signal":"SIGKILL","message":"Main child exited with signal (with signal 'SIGKILL')"}"#)
        let object = try Self.parsed(line)
        #expect(object["pid"] as? Int == Int(ProcessControl.pid) && object["child_pid"] as? Int == 42)
    }

    /// Each field under its name, with its JSON type.
    @Test func everyFieldHasItsNameAndType() throws {
        let processes = (1...12).map {
            ProcessEntry(pid: Int32(100 + $0), parentPID: 1, name: "w\($0)", state: UInt8(ascii: "S"))
        }
        let line = Self.log(.json).line(
            .info, "test", "m",
            [
                .childPID(1), .program("p"), .exitCode(3), .signal(.terminate), .status(.exited(code: 4)), .reason("r"),
                .error("e"),
                .restarts(5), .maxRestarts(6), .delay(.milliseconds(1500)), .unhealthy(true), .healthResult("exit 1"),
                .failures(2), .retries(3),
                .counted(false), .checksNotRun(4), .path("/s"), .reapedPID(9), .processes(processes), .grace(.seconds(30)),
                .took(.milliseconds(250)), .droppedLines(7),
            ])
        let object = try Self.parsed(line)
        let numbers: [String: Double] = [
            "child_pid": 1, "exit_code": 4, "restarts": 5, "max_restarts": 6, "delay_seconds": 1.5,
            "failures": 2, "retries": 3, "checks_not_run": 4, "reaped_pid": 9, "processes": 12,
            "grace_seconds": 30, "after_seconds": 0.25, "dropped_lines": 7,
        ]
        for (name, value) in numbers { #expect((object[name] as? NSNumber)?.doubleValue == value, "\(name) in \(line)") }
        let strings = ["program": "p", "signal": "SIGTERM", "reason": "r", "error": "e", "health_result": "exit 1", "path": "/s"]
        for (name, value) in strings { #expect(object[name] as? String == value, "\(name) in \(line)") }
        #expect(object["unhealthy"] as? Bool == true && object["counted"] as? Bool == false)
        // The first ten pids, as the text names ten processes.
        #expect(object["pids"] as? [Int] == Array(101...110))
        // .exitCode(3) then .status(.exited(4)): both written, the parser keeps one; the line is still JSON.
        #expect(line.contains(#""exit_code":3"#) && line.contains(#""exit_code":4"#))
    }

    /// An optional fact that is nil leaves its field out, rather than write null.
    @Test func nilFieldsAreLeftOut() throws {
        let line = Self.log(.json).line(.info, "child_exited", "m", [.childPID(nil), .reason(nil), .restarts(nil), .exitCode(1)])
        #expect(Set(try Self.parsed(line).keys) == ["level", "tool", "pid", "event", "exit_code", "message"], "\(line)")
    }

    /// Control characters, quotes, backslashes and bytes that are not UTF-8 (in a program's name or
    /// an error) never break the line: every line parses, and the message is the text line's.
    @Test func awkwardBytesStayOneParsableLine() throws {
        let program = String(decoding: [0x61, 0xff, 0x0a, 0x22, 0x5c, 0x1b, 0x62], as: UTF8.self)
        let message = "Spawned child process '\(program)' with pid '7'"
        let line = Self.log(.json).line(.info, "child_spawned", message, [.program(program), .error("tab\there")])
        #expect(!line.contains("\n") && !line.utf8.contains(0x1b))
        let object = try Self.parsed(line)
        #expect(object["program"] as? String == program)
        #expect(object["error"] as? String == "tab\there")
        // The message as the text format prints it: control bytes as \xNN.
        let text = Self.log(.text).line(.info, "child_spawned", message, [])
        #expect(Output.printable(text).hasSuffix("] " + (object["message"] as? String ?? "-")), "\(text)")
        #expect((object["message"] as? String)?.contains(#"\x0a"#) == true)
    }

    /// A line past PIPE_BUF has its strings cut, so it is still written whole and still parses.
    @Test func longLinesAreCutIntoValidJSON() throws {
        for unit in ["a", "é", "\u{1}", "😀"] {
            let long = String(repeating: unit, count: 6000)
            let line = Self.log(.json).line(
                .warning, "spawn_failed", "cannot start " + long,
                [.program(long), .error(long), .reason(long), .path(long), .healthResult(long), .childPID(3)])
            #expect(line.utf8.count < Output.longestLogLine, "\(unit): \(line.utf8.count) bytes")
            let object = try Self.parsed(line)
            #expect((object["program"] as? String)?.hasSuffix(" [cut]") == true)
            #expect((object["message"] as? String)?.hasPrefix("cannot start ") == true)
            #expect(object["child_pid"] as? Int == 3 && object["event"] as? String == "spawn_failed")
        }
        // A short line is never cut.
        let short = Self.log(.json).line(.info, "e", "m", [.program("p")])
        #expect(!short.contains("[cut]"))
    }

    /// Lines below the verbosity are neither formatted nor written; fatal ones always are.
    @Test func verbosityDecidesWhatIsShown() {
        let quiet = Self.log(.json, verbosity: 0)
        #expect(quiet.shows(.fatal) && !quiet.shows(.warning))
        let tini = Self.log(.text, verbosity: 1)
        #expect(tini.shows(.warning) && !tini.shows(.info))
        var built = false
        tini.write(
            .debug, "signal_forwarded",
            {
                built = true; return "x"
            }())
        #expect(!built)
    }

    /// Each drain event has its own name and its figures.
    @Test func drainEventsHaveNamesAndFigures() throws {
        let drain = GracefulDrain(grace: .milliseconds(2500), signal: .interrupt)
        let left = [ProcessEntry(pid: 15, parentPID: 1, name: "postgres", state: UInt8(ascii: "S"))]
        let cases: [(GracefulDrain.Event, String, [String])] = [
            (.nothingLeft, "drain_nothing_left", []),
            (.cannotList(.foreignNamespace), "drain_cannot_list", ["error"]),
            (.stopping(left, with: .interrupt), "drain_stopping", ["signal", "processes", "pids", "grace_seconds"]),
            (.signalled(left, with: .interrupt), "drain_signalled", ["signal", "processes", "pids"]),
            (.cannotSignal(.kill, .permissionDenied), "drain_cannot_signal", ["signal", "error"]),
            (.allGone(after: .milliseconds(500)), "drain_all_gone", ["after_seconds"]),
            (.killing(left), "drain_killing", ["processes", "pids", "grace_seconds"]),
            (.ignored(.hangup), "drain_signal_ignored", ["signal"]),
            (.waitFailed(.interrupted), "drain_wait_failed", ["error"]),
        ]
        #expect(Set(cases.map(\.1)).count == cases.count)
        for (event, name, fields) in cases {
            let (shared, values) = SharedLogEvent.drain(event, of: drain)
            #expect(shared.rawValue == name)
            let object = try Self.parsed(Self.log(.json).line(.info, shared.rawValue, drain.describe(event).text, values))
            #expect(Set(object.keys) == Set(["level", "tool", "pid", "event", "message"] + fields), "\(name): \(object)")
        }
        #expect(SharedLogEvent.allCases.count == cases.count + 3)
    }
}
