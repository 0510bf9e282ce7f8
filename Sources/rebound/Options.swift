import ProcessKit
import ToolSupport

/// rebound's settings, from the C rebound's flags plus the backoff and stop options.
struct ReboundOptions: Equatable {
    /// -0: restart after exit code 0 too.
    var restartOnZero = false
    /// -g: start the child in its own process group.
    var ownProcessGroup = false
    /// -q: no log output.
    var quiet = false
    /// -r: restarts allowed before giving up; 0 is unlimited.
    var maxRestarts: Int32 = 0
    /// -d: how long to wait before every restart.
    var restartDelay = Duration.zero
    /// -b: consecutive rapid failures (child lived under 1 s) before restarts are throttled; 0 never throttles.
    var burst: Int32 = 5
    /// --backoff-max: cap of the throttle delay that doubles on each further rapid failure.
    var backoffMax = Duration.seconds(30)
    /// --stable-after: how long a child must stay up for the crash-loop state (burst count, backoff) to reset.
    var stableAfter = Duration.seconds(10)
    /// --stop-timeout: time between forwarding SIGTERM/SIGINT and SIGKILL; zero waits for ever.
    var stopTimeout = Duration.zero
    /// --grace: before rebound exits, how long the processes left get between the drain's first
    /// signal and SIGKILL; nil exits at once, like the C rebound.
    var grace: Duration?
    /// --grace-signal: what the drain sends first; nil sends SIGTERM.
    var graceSignal: Signal?
    /// --health-cmd and its --health-* settings; nil runs no health checks.
    var healthCheck: HealthCheckSettings?
    /// --status-file: where rebound keeps its state as JSON, byte for byte as given; nil keeps none.
    var statusFile: [UInt8]?
    /// --user USER[:GROUP]: who the child and its health checks run as; nil keeps rebound's user.
    var user: UserSpecification?
    /// --log-format / REBOUND_LOG_FORMAT: text (the C rebound's lines, the default) or json.
    var logFormat = LogFormat.text
    /// The program and its arguments, byte for byte as given.
    var command: [[UInt8]] = []
    /// The program as text, for messages (bytes that are not UTF-8 read as U+FFFD).
    var program: String { String(decoding: command[0], as: UTF8.self) }

    /// A child that lived less than this failed "rapidly" (the C rebound's rule for -b).
    static let rapidFailure = Duration.seconds(1)
    /// The first throttle delay, doubled on every further rapid failure up to ``backoffMax``.
    static let initialBackoff = Duration.seconds(1)
}

/// The health check options, named and defaulted like Docker's HEALTHCHECK.
struct HealthCheckSettings: Equatable {
    /// --health-cmd: run with `/bin/sh -c`, byte for byte as given; exit 0 is healthy.
    var command: [UInt8]
    /// --health-interval: time from the child's start to the first check, and from the end of
    /// each check to the next.
    var interval = Duration.seconds(30)
    /// --health-timeout: a check still running this long has failed and is torn down.
    var timeout = Duration.seconds(30)
    /// --health-retries: failures in a row that make the child unhealthy.
    var retries: Int32 = 3
    /// --health-start-period: time after each (re)start in which failures do not count.
    var startPeriod = Duration.zero

    /// How long a child being restarted for failing its checks gets to exit when --stop-timeout is 0
    /// (wait for ever, which would leave a hung child hung): Docker's default stop grace.
    static let defaultStop = Duration.seconds(10)
}

/// What the command line asks for.
enum ReboundRequest: Equatable {
    case run(ReboundOptions)
    case help
    case version
}

extension ReboundOptions {
    /// Reads rebound's arguments (without argv[0]) and its one variable, REBOUND_LOG_FORMAT; like the
    /// C rebound, parsing stops at `--` or at the first argument that is not an option, so the
    /// program's own options pass through.
    static func parse(
        _ arguments: [[UInt8]], environment: (String) -> String? = { _ in nil }
    ) throws(UsageError) -> ReboundRequest {
        var options = ReboundOptions()
        var scanner = OptionScanner(
            arguments,
            flags: ["0", "restart-on-zero", "g", "own-group", "q", "quiet", "h", "help", "version"],
            valued: [
                "r", "max-restarts", "d", "restart-delay", "b", "burst", "backoff-max", "stable-after", "stop-timeout",
                "grace", "grace-signal", "health-cmd", "health-interval", "health-timeout", "health-retries",
                "health-start-period", "status-file", "user", "log-format",
            ])
        var health = HealthCheckSettings(command: [])
        var healthOptionWithoutCommand: String?
        var logFormatGiven = false
        while let option = try scanner.next() {
            let value = option.value ?? []
            switch option.name {
            case "h", "help": return .help
            case "version": return .version
            case "0", "restart-on-zero": options.restartOnZero = true
            case "g", "own-group": options.ownProcessGroup = true
            case "q", "quiet": options.quiet = true
            case "r", "max-restarts":
                options.maxRestarts = try OptionValue.count(value, for: "--max-restarts", meaning: "0 = unlimited")
            case "b", "burst": options.burst = try OptionValue.count(value, for: "--burst", meaning: "0 = never throttle")
            case "d", "restart-delay": options.restartDelay = try OptionValue.seconds(value, for: "--restart-delay").duration
            case "backoff-max": options.backoffMax = try OptionValue.seconds(value, for: "--backoff-max").duration
            case "stable-after": options.stableAfter = try OptionValue.seconds(value, for: "--stable-after").duration
            case "grace": options.grace = try GraceOption.grace(value, for: "--grace")
            case "grace-signal": options.graceSignal = try GraceOption.signal(value, for: "--grace-signal")
            case "health-cmd":
                guard !value.isEmpty else { throw UsageError(message: "--health-cmd needs a command") }
                health.command = value
            case "health-interval":
                health.interval = try OptionValue.duration(value, for: "--health-interval", aboveZero: true).duration
            case "health-timeout":
                health.timeout = try OptionValue.duration(value, for: "--health-timeout", aboveZero: true).duration
            case "health-start-period":
                health.startPeriod = try OptionValue.duration(value, for: "--health-start-period", aboveZero: false).duration
            case "health-retries":
                health.retries = try OptionValue.count(value, for: "--health-retries", meaning: "at least 1")
                guard health.retries > 0 else {
                    throw UsageError(message: "--health-retries must be at least 1: '\(OptionValue.shown(value))'")
                }
            case "user": options.user = try UserSpecification(parsing: value, for: "--user")
            case "log-format":
                options.logFormat = try LogFormat(parsing: OptionValue.shown(value), for: "--log-format")
                logFormatGiven = true
            case "status-file":
                guard !value.isEmpty else { throw UsageError(message: "--status-file needs a path") }
                options.statusFile = value
            default: options.stopTimeout = try OptionValue.seconds(value, for: "--stop-timeout").duration  // "stop-timeout"
            }
            if option.name.text.utf8.starts(with: "health-".utf8), !ASCII.equal(option.name.text, "health-cmd") {
                healthOptionWithoutCommand = "--" + option.name.text
            }
        }
        if !health.command.isEmpty {
            options.healthCheck = health
        } else if let option = healthOptionWithoutCommand {
            throw UsageError(message: "\(option) does nothing without --health-cmd CMD")
        }
        // The option wins: the variable is not even read when it is given.
        if !logFormatGiven, let text = environment("REBOUND_LOG_FORMAT") {
            options.logFormat = try LogFormat(parsing: text, for: "REBOUND_LOG_FORMAT")
        }
        options.command = scanner.operands
        guard !options.command.isEmpty else { throw UsageError(message: "no program to run") }
        if let signal = options.graceSignal, options.grace == nil {
            throw UsageError(message: "--grace-signal \(signal.name) does nothing without --grace SECS")
        }
        return .run(options)
    }

    /// The drain --grace asks for, nil without one.
    var drain: GracefulDrain? { grace.map { GracefulDrain(grace: $0, signal: graceSignal ?? .terminate) } }
}

/// The texts rebound prints for --version and --help.
enum ReboundText {
    static let version = "rebound version " + ReleaseVersion.number

    static let usage = """
        Usage: rebound [OPTIONS] [--] PROGRAM [ARGS...]

        Run PROGRAM and restart it whenever it crashes; reap zombies as PID 1 (or as a subreaper).

        Options:
          -0, --restart-on-zero     Also restart after exit code 0 (default: exit 0 ends rebound).
          -g, --own-group           Start the child in its own process group.
          -q, --quiet               No log output.
          -r, --max-restarts N      Give up after N restarts, exiting with the child's last code (default 0: unlimited).
          -d, --restart-delay SECS  Wait SECS before each restart (fractions allowed; default 0).
          -b, --burst N             Throttle restarts after N consecutive rapid failures, child up under 1 s (default 5; 0: never).
              --backoff-max SECS    Throttle delay starts at 1 s, doubles per rapid failure, capped at SECS (default 30).
              --stable-after SECS   A child up this long resets the burst count and backoff (default 10).
              --stop-timeout SECS   After forwarding SIGTERM/SIGINT, SIGKILL the child after SECS (default 0: wait).
              --grace SECS          Before exiting, signal every process left, wait up to SECS for them, then SIGKILL them.
              --grace-signal SIG    The signal --grace sends first, name or number (default TERM; INT for PostgreSQL).
              --health-cmd CMD      Restart the child when `/bin/sh -c CMD` fails --health-retries times in a row.
              --health-interval D   Time before each check (default 30s; D: seconds, or 30s, 1m30s, 500ms).
              --health-timeout D    A check that runs longer fails and is stopped (default 30s).
              --health-retries N    Failures in a row that make the child unhealthy (default 3).
              --health-start-period D  Failures within D of each start do not count (default 0s).
              --status-file PATH    Keep rebound's state in PATH as JSON.
              --user USER[:GROUP]   Run the child and its health checks as USER (name or id, as gosu does; HOME from /etc/passwd).
              --log-format FORMAT   Log lines as text (the default) or json (one JSON object per line).
          -h, --help                Show this help and exit.
              --version             Show the version and exit.

        Environment variables:
          REBOUND_LOG_FORMAT        Like --log-format (the option wins).
        """
}
