import ProcessKit

/// One typed fact an event carries into its JSON log line, beside the message: each case is written
/// under one fixed name, so the same fact has the same name in every event and in both tools. Text
/// lines do not use fields; their message says the same in words. A case that takes an optional is
/// left out of the line when it is nil.
public enum LogField: Sendable {
    /// `child_pid`: the supervised child's pid (nil: no child was started).
    case childPID(Int32?)
    /// `program`: the program the child runs, as the message shows it.
    case program(String)
    /// `exit_code`: an exit status, or the shell exit code a tool exits with.
    case exitCode(Int32)
    /// `signal`: a signal's name, "SIGTERM".
    case signal(Signal)
    /// How a process ended: `exit_code` for an exit, `signal` for a death by signal.
    case status(WaitStatus)
    /// `reason`: why a signal is sent or a stop is held, in words.
    case reason(String?)
    /// `error`: what failed, in words ("No such file or directory").
    case error(String)
    /// `restarts`: restarts done so far (nil: none is coming).
    case restarts(Int32?)
    /// `max_restarts`: the -r limit.
    case maxRestarts(Int32)
    /// `delay_seconds`: how long a restart waits.
    case delay(Duration)
    /// `unhealthy`: the child ended because it failed its health checks.
    case unhealthy(Bool)
    /// `health_result`: how a health check ended ("exit 1", "timed out after 2 s").
    case healthResult(String)
    /// `failures`: failed health checks in a row.
    case failures(Int32)
    /// `retries`: the failures in a row that make the child unhealthy.
    case retries(Int32)
    /// `counted`: whether a failed health check counts (false in the start period).
    case counted(Bool)
    /// `checks_not_run`: health checks in a row that could not be started.
    case checksNotRun(Int32)
    /// `path`: a file the tool writes.
    case path(String)
    /// `reaped_pid`: an adopted orphan that was reaped.
    case reapedPID(Int32)
    /// `processes` (how many) and `pids` (the first ``GracefulDrain/listedProcesses``): what a drain found.
    case processes([ProcessEntry])
    /// `grace_seconds`: the drain's grace period.
    case grace(Duration)
    /// `after_seconds`: how long the processes left took to go.
    case took(Duration)
    /// `dropped_lines`: log lines dropped because standard error would have blocked.
    case droppedLines(Int)

    /// Adds the field to `object`, a string value held to `longest` bytes (see ``ToolLog``).
    func add(to object: inout JSONObject, longest: Int) {
        switch self {
        case .childPID(let pid): if let pid { object.add("child_pid", pid) }
        case .program(let program): object.add("program", LogField.cut(program, to: longest))
        case .exitCode(let code): object.add("exit_code", code)
        case .signal(let signal): object.add("signal", signal.name)
        case .status(let status):
            switch status {
            case .signaled(let signal, _), .stopped(let signal): object.add("signal", signal.name)
            case .exited, .continued: object.add("exit_code", status.shellExitCode)
            }
        case .reason(let reason): if let reason { object.add("reason", LogField.cut(reason, to: longest)) }
        case .error(let error): object.add("error", LogField.cut(error, to: longest))
        case .restarts(let count): if let count { object.add("restarts", count) }
        case .maxRestarts(let count): object.add("max_restarts", count)
        case .delay(let delay): object.add("delay_seconds", json: LogField.seconds(delay))
        case .unhealthy(let unhealthy): object.add("unhealthy", unhealthy)
        case .healthResult(let result): object.add("health_result", LogField.cut(result, to: longest))
        case .failures(let count): object.add("failures", count)
        case .retries(let count): object.add("retries", count)
        case .counted(let counted): object.add("counted", counted)
        case .checksNotRun(let count): object.add("checks_not_run", count)
        case .path(let path): object.add("path", LogField.cut(path, to: longest))
        case .reapedPID(let pid): object.add("reaped_pid", pid)
        case .processes(let processes):
            object.add("processes", Int64(processes.count))
            var pids = ""
            for process in processes.prefix(GracefulDrain.listedProcesses) {
                pids += (pids.isEmpty ? "" : ",") + String(process.pid)
            }
            object.add("pids", json: "[" + pids + "]")
        case .grace(let grace): object.add("grace_seconds", json: LogField.seconds(grace))
        case .took(let took): object.add("after_seconds", json: LogField.seconds(took))
        case .droppedLines(let count): object.add("dropped_lines", Int64(count))
        }
    }

    /// A duration as a JSON number of seconds, to the millisecond: "2", "0.5", "1.25".
    static func seconds(_ duration: Duration) -> String {
        ASCII.decimalText((max(0, duration.clampedNanoseconds) + 500_000) / 1_000_000, decimals: 3, trimmed: true)
    }

    /// `text` held to `longest` bytes, cut at a character's start and marked " [cut]" as a text line is.
    static func cut(_ text: String, to longest: Int) -> String {
        let bytes = Array(text.utf8)
        guard bytes.count > longest else { return text }
        var end = longest
        while end > 0 && bytes[end] & 0xC0 == 0x80 { end -= 1 }
        return String(decoding: bytes[..<end], as: UTF8.self) + " [cut]"
    }
}
