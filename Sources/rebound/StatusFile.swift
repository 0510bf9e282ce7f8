import ProcessKit
import ToolSupport

/// --status-file: rebound's state as a small JSON object, rewritten whole (temporary file, then
/// rename) on every change, so a probe or a monitor reading it at any moment gets a complete object:
///
/// ```json
/// {"state":"running","pid":42,"command":"control-plane","restarts":1,"last_exit_status":137,
///  "last_restart_time":1764123456.789,"health":"healthy","failing_streak":0,
///  "last_health_time":1764123466.801,"last_health_result":"passed","health_checks_not_run":0}
/// ```
///
/// Times are Unix seconds (wall clock); fields with nothing to say yet are null. A file that cannot
/// be written is logged once (until a write works again) and never stops rebound. The writes never
/// follow a symbolic link, open a FIFO or a device, or block (``AtomicFile``); a path that is one of
/// those at start-up is refused (``check(_:)``).
final class StatusFile {
    /// What rebound is doing; the raw value is its name in the file.
    enum State: String {
        /// About to start the child.
        case starting
        case running
        /// The child failed its health checks and is being stopped to be restarted.
        case unhealthy
        /// The child ended and rebound waits to start it again.
        case restarting
        /// rebound is on its way out (a stop signal, or a restart rule said stop).
        case stopping
    }

    /// Where the file goes, byte for byte as given.
    let path: [UInt8]
    let command: String
    let log: Log
    var state = State.starting
    var pid: Int32?
    var restarts: Int32 = 0
    var lastExitStatus: Int32?
    var lastRestartTime: Int64?
    /// "starting" (no check passed yet), "healthy", "unhealthy"; nil without --health-cmd.
    var health: String?
    var failingStreak: Int32 = 0
    var lastHealthTime: Int64?
    var lastHealthResult: String?
    /// Health checks that could not be started (not counted as failures), over rebound's life.
    var healthChecksNotRun: Int32 = 0
    private var failing = false

    init(path: [UInt8], command: String, log: Log, healthChecked: Bool) {
        self.path = path
        self.command = command
        self.log = log
        health = healthChecked ? "starting" : nil
    }

    /// The JSON text, on one line with a newline at the end.
    var json: String {
        var object = JSONObject()
        object.add("state", state.rawValue)
        object.add("pid", pid)
        object.add("command", command)
        object.add("restarts", restarts)
        object.add("last_exit_status", lastExitStatus)
        object.add("last_restart_time", json: lastRestartTime.map(StatusFile.seconds) ?? "null")
        object.add("health", health)
        object.add("failing_streak", failingStreak)
        object.add("last_health_time", json: lastHealthTime.map(StatusFile.seconds) ?? "null")
        object.add("last_health_result", lastHealthResult)
        object.add("health_checks_not_run", healthChecksNotRun)
        return object.text + "\n"
    }

    /// About to start the child.
    func starting() {
        state = .starting
        pid = nil
        write()
    }

    /// The child started as `pid`; its health is unknown until a check passes.
    func running(pid: Int32) {
        state = .running
        self.pid = pid
        if health != nil {
            health = "starting"
            failingStreak = 0
        }
        write()
    }

    /// The child ended with `exitStatus`; `restart` is the number of the restart that follows, nil
    /// when rebound stops instead.
    func ended(exitStatus: Int32, restart: Int32?) {
        pid = nil
        lastExitStatus = exitStatus
        if let restart {
            state = .restarting
            restarts = restart
            lastRestartTime = WallClock.nanosecondsSinceEpoch
        } else {
            state = .stopping
        }
        write()
    }

    /// A health check could not be started (`result` says why): counted apart, health unchanged.
    func notRun(result: String) {
        lastHealthTime = WallClock.nanosecondsSinceEpoch
        lastHealthResult = result
        healthChecksNotRun += 1
        write()
    }

    /// rebound is stopping (a stop signal came).
    func stopping() {
        state = .stopping
        write()
    }

    /// A health check ended: `result` says how, `failingStreak` counts failures in a row; `healthy`
    /// sets the health state (nil leaves it), `unhealthy` when this result makes rebound restart the child.
    func checked(result: String, failingStreak: Int32, healthy: Bool?, unhealthy: Bool) {
        lastHealthTime = WallClock.nanosecondsSinceEpoch
        lastHealthResult = result
        self.failingStreak = failingStreak
        if let healthy { health = healthy ? "healthy" : "unhealthy" }
        if unhealthy { state = .unhealthy }
        write()
    }

    /// Refuses a --status-file path where something other than a regular file is: rebound would
    /// replace it (a symbolic link, /dev/full) without a word.
    static func check(_ path: [UInt8]) throws(UsageError) {
        if let refusal = AtomicFile.refusal(for: path) {
            throw UsageError(message: "--status-file " + Output.printable(path) + " " + refusal)
        }
    }

    /// The start-up warning when another user can replace the file (``AtomicFile/directoryWarning(for:)``).
    var directoryWarning: String? { AtomicFile.directoryWarning(for: path).map { "warning: status file " + $0 } }

    func write() {
        do {
            try AtomicFile.replace(path, with: Array(json.utf8))
            failing = false
        } catch {
            if !failing {
                log.warning(
                    .statusFileWriteFailed, "cannot write status file " + Output.printable(path) + ": \(error)",
                    [.path(Output.printable(path)), .error("\(error)")])
            }
            failing = true
        }
    }

    /// Nanoseconds since the epoch as seconds with three decimals: "1764123456.789".
    static func seconds(_ nanoseconds: Int64) -> String { ASCII.decimalText(nanoseconds / 1_000_000, decimals: 3) }
}
