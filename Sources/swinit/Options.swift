import ProcessKit
import ToolSupport

/// swinit's settings, from tini's flags and environment variables.
struct SwinitOptions: Equatable {
    var subreaper = false
    var parentDeathSignal: Signal?
    var verbosity = 1
    var warnOnReap = false
    var signalProcessGroup = false
    /// Exit codes turned into 0 (-e).
    var remappedExitCodes: Set<Int32> = []
    /// The program and its arguments, byte for byte as given.
    var command: [[UInt8]] = []
    /// The program as text, for messages (bytes that are not UTF-8 read as U+FFFD).
    var program: String { String(decoding: command[0], as: UTF8.self) }
    /// --grace / SWINIT_GRACE: after the main child exits, how long the processes left get between
    /// SIGTERM and SIGKILL before swinit exits; nil exits at once, like tini.
    var grace: Duration?
    /// --grace-signal / SWINIT_GRACE_SIGNAL: what the drain sends first; nil sends SIGTERM.
    var graceSignal: Signal?
    /// --rewrite FROM:TO rules applied to forwarded signals.
    var rewrites = SignalRewrites()
    /// --stop-sequence: what a SIGTERM turns into; empty forwards SIGTERM as usual.
    var stopSequence = StopSequence()
    /// -P: run no program, only reap, and exit 0 on SIGINT or SIGTERM (a pod's "pause" container).
    var pause = false
    /// --user USER[:GROUP]: who the child runs as; nil keeps swinit's user.
    var user: UserSpecification?
    /// --log-format / SWINIT_LOG_FORMAT: text (tini's lines, the default) or json.
    var logFormat = LogFormat.text
    /// Settings that were read leniently, as tini reads them, and deserve a warning at start-up.
    var warnings: [String] = []

    /// The code swinit exits with for a main child that ended with `status`: its shell exit code
    /// (128+N for signal N), or 0 when -e names that code.
    func exitCode(for status: WaitStatus) -> Int32 {
        let code = status.shellExitCode
        return remappedExitCodes.contains(code) ? 0 : code
    }
}

/// What the command line asks for.
enum SwinitRequest: Equatable {
    case run(SwinitOptions)
    case help
    case version
    case license
}

extension SwinitOptions {
    /// Reads swinit's arguments (without argv[0]) and environment; tini's rules: parsing stops at
    /// the first non-option, `--` ends options, the TINI_/SWINIT_ variables switch flags on.
    static func parse(_ arguments: [[UInt8]], environment: (String) -> String?) throws(UsageError) -> SwinitRequest {
        var options = SwinitOptions()
        options.subreaper = environment("TINI_SUBREAPER") != nil || environment("SWINIT_SUBREAPER") != nil
        options.signalProcessGroup =
            environment("TINI_KILL_PROCESS_GROUP") != nil || environment("SWINIT_KILL_PROCESS_GROUP") != nil
        if let text = environment("SWINIT_VERBOSITY") ?? environment("TINI_VERBOSITY") {
            // tini reads the level with atoi() and starts whatever the text: an image that runs under
            // tini must run under swinit too, so the same reading, with a warning instead of silence.
            options.verbosity = leadingNumber(of: text)
            if OptionValue.wholeNumber(text.utf8) == nil {
                options.warnings.append(
                    "TINI_VERBOSITY/SWINIT_VERBOSITY is not a number from 0 to 4: '\(text)'; "
                        + "using \(options.verbosity), as tini would")
            }
        }
        if let text = environment("SWINIT_GRACE") { options.grace = try GraceOption.grace(Array(text.utf8), for: "SWINIT_GRACE") }
        if let text = environment("SWINIT_GRACE_SIGNAL") {
            options.graceSignal = try GraceOption.signal(Array(text.utf8), for: "SWINIT_GRACE_SIGNAL")
        }
        var scanner = OptionScanner(
            arguments, flags: ["h", "help", "version", "l", "s", "v", "w", "g", "P"],
            valued: ["p", "e", "grace", "grace-signal", "rewrite", "stop-sequence", "user", "log-format"])
        var logFormatGiven = false
        while let option = try scanner.next() {
            let value = option.value ?? []
            // The signal and sequence readers take text; a byte that is not UTF-8 fails them either way.
            let text = String(decoding: value, as: UTF8.self)
            switch option.name {
            case "h", "help": return .help
            case "version": return .version
            case "l": return .license
            case "s": options.subreaper = true
            case "v": options.verbosity += 1
            case "w": options.warnOnReap = true
            case "g": options.signalProcessGroup = true
            case "P": options.pause = true
            case "grace": options.grace = try GraceOption.grace(value, for: "--grace")
            case "grace-signal": options.graceSignal = try GraceOption.signal(value, for: "--grace-signal")
            case "rewrite": try options.rewrites.add(parsing: text)
            case "stop-sequence": options.stopSequence = try StopSequence(parsing: text)
            case "user": options.user = try UserSpecification(parsing: value, for: "--user")
            case "log-format":
                options.logFormat = try LogFormat(parsing: OptionValue.shown(value), for: "--log-format")
                logFormatGiven = true
            case "p":
                do { options.parentDeathSignal = try Signal(parsing: text) } catch {
                    throw UsageError(message: "not a valid signal for -p: '\(OptionValue.shown(value))'")
                }
            default:  // "e"
                guard let code = OptionValue.wholeNumber(value), code <= 255 else {
                    throw UsageError(message: "not a valid exit code for -e: '\(OptionValue.shown(value))' (use 0-255)")
                }
                options.remappedExitCodes.insert(code)
            }
        }
        // The option wins: the variable is not even read when it is given.
        if !logFormatGiven, let text = environment("SWINIT_LOG_FORMAT") {
            options.logFormat = try LogFormat(parsing: text, for: "SWINIT_LOG_FORMAT")
        }
        options.command = scanner.operands
        try options.checkCombinations()
        return .run(options)
    }

    /// What C's atoi() makes of `text`, held to 0...100 (a negative level prints as little as 0): leading
    /// blanks and a sign, then the digits up to the first other character; 0 when there are none.
    static func leadingNumber(of text: String) -> Int {
        var bytes = text.utf8.drop { $0 == UInt8(ascii: " ") || (9...13).contains($0) }
        let negative = bytes.first == UInt8(ascii: "-")
        if negative || bytes.first == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
        return negative ? 0 : Int(min(100, ASCII.leadingDigits(bytes).value))
    }

    /// The drain --grace asks for, nil without one.
    var drain: GracefulDrain? { grace.map { GracefulDrain(grace: $0, signal: graceSignal ?? .terminate) } }

    /// Rejects options that contradict each other (or a missing program), naming both sides.
    func checkCombinations() throws(UsageError) {
        if let graceSignal, grace == nil {
            throw UsageError(message: "--grace-signal \(graceSignal.name) does nothing without --grace SECS (or SWINIT_GRACE)")
        }
        if pause {
            guard command.isEmpty else { throw UsageError(message: "-P runs no program, but one was given: '\(program)'") }
            guard rewrites.isEmpty, stopSequence.steps.isEmpty else {
                throw UsageError(message: "-P runs no program, so --rewrite and --stop-sequence have nothing to send signals to")
            }
            if let user {
                throw UsageError(message: "-P runs no program, so --user \(user.text) has nothing to run as that user")
            }
            return
        }
        guard !command.isEmpty else { throw UsageError(message: "no program to run") }
        if !stopSequence.steps.isEmpty && rewrites.rewrites(.terminate) {
            throw UsageError(message: "--rewrite of SIGTERM conflicts with --stop-sequence, which decides what SIGTERM sends")
        }
    }
}
