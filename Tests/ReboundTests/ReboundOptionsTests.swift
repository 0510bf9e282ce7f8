import ProcessKit
import Testing
@testable import rebound

/// Command-line arguments as the tools read argv: bytes.
func bytes(_ arguments: [String]) -> [[UInt8]] { arguments.map { Array($0.utf8) } }

@Suite struct ReboundOptionsTests {
    func options(_ arguments: [String]) throws -> ReboundOptions {
        guard case .run(let options) = try ReboundOptions.parse(bytes(arguments)) else {
            Issue.record("\(arguments) did not parse as a run")
            return ReboundOptions()
        }
        return options
    }

    func usageError(_ arguments: [String]) -> String? {
        do {
            _ = try ReboundOptions.parse(bytes(arguments))
            return nil
        } catch {
            return error.message
        }
    }

    @Test func defaultsMatchTheDocumentation() throws {
        let parsed = try options(["server"])
        #expect(parsed == ReboundOptions(command: bytes(["server"])))
        #expect(!parsed.restartOnZero && !parsed.ownProcessGroup && !parsed.quiet)
        #expect(parsed.maxRestarts == 0 && parsed.restartDelay == .zero && parsed.burst == 5)
        #expect(parsed.backoffMax == .seconds(30) && parsed.stableAfter == .seconds(10) && parsed.stopTimeout == .zero)
    }

    @Test func shortAndLongFormsSetTheSameFields() throws {
        let short = try options(["-0", "-g", "-q", "-r", "3", "-d", "0.5", "-b", "2", "server"])
        let long = try options([
            "--restart-on-zero", "--own-group", "--quiet", "--max-restarts", "3",
            "--restart-delay=0.5", "--burst", "2", "server",
        ])
        #expect(short == long)
        #expect(short.restartOnZero && short.ownProcessGroup && short.quiet)
        #expect(short.maxRestarts == 3 && short.restartDelay == .milliseconds(500) && short.burst == 2)
        let clustered = try options(["-0gqr3", "server"])
        #expect(clustered.restartOnZero && clustered.ownProcessGroup && clustered.quiet && clustered.maxRestarts == 3)
    }

    @Test func backoffAndStopOptionsTakeFractionalSeconds() throws {
        let parsed = try options(["--backoff-max", "2.5", "--stable-after=.25", "--stop-timeout", "3", "server"])
        #expect(
            parsed.backoffMax == .milliseconds(2500) && parsed.stableAfter == .milliseconds(250)
                && parsed.stopTimeout == .seconds(3))
    }

    @Test func parsingStopsAtTheFirstNonOptionOrDoubleDash() throws {
        #expect(try options(["-q", "server", "-r", "3"]).command == bytes(["server", "-r", "3"]))
        #expect(try options(["-q", "--", "-r", "3"]).command == bytes(["-r", "3"]))
        #expect(try options(["server", "--", "x"]).command == bytes(["server", "--", "x"]))
    }

    @Test func badValuesNameTheOptionAndTheValue() {
        #expect(
            usageError(["-r", "-1", "server"])
                == "not a valid number for --max-restarts: '-1' (use a whole number >= 0, 0 = unlimited)")
        #expect(
            usageError(["-b", "many", "server"])
                == "not a valid number for --burst: 'many' (use a whole number >= 0, 0 = never throttle)")
        #expect(
            usageError(["-d", "-0.5", "server"])
                == "not a valid number of seconds for --restart-delay: '-0.5' (use e.g. 2 or 0.5)")
        #expect(usageError(["--backoff-max", "1s", "server"])?.contains("--backoff-max: '1s'") == true)
        #expect(usageError(["--stable-after", "", "server"])?.contains("--stable-after: ''") == true)
        #expect(usageError(["--stop-timeout", "x", "server"])?.contains("--stop-timeout: 'x'") == true)
        #expect(usageError(["-r"]) == "option '-r' needs a value")
        #expect(usageError(["-x", "server"]) == "unknown option '-x'")
    }

    /// Summed in floating point, 400 digits overflowed to infinity and the value came out NaN: accepted,
    /// and a --stop-timeout whose SIGKILL never came.
    @Test func secondsOfHundredsOfDigitsAreReadExactly() throws {
        let long = "0." + String(repeating: "5", count: 400)
        let parsed = try options([
            "-d", long, "--backoff-max", long, "--stable-after", long, "--stop-timeout", long,
            "--grace", long, "--health-cmd", "true", "--health-start-period", long,
            "--health-interval", long + "s", "--health-timeout", long + "ms", "server",
        ])
        #expect(
            parsed.restartDelay == .nanoseconds(555_555_555) && parsed.backoffMax == .nanoseconds(555_555_555)
                && parsed.stableAfter == .nanoseconds(555_555_555))
        #expect(parsed.stopTimeout == .nanoseconds(555_555_555) && parsed.grace == .nanoseconds(555_555_555))
        #expect(
            parsed.healthCheck?.startPeriod == .nanoseconds(555_555_555)
                && parsed.healthCheck?.interval == .nanoseconds(555_555_555))
        #expect(parsed.healthCheck?.timeout == .nanoseconds(555_555))
        #expect(
            usageError(["--health-cmd", "true", "--health-interval", "999999999h", "server"])
                == "--health-interval '999999999h' is too long (use at most 999999999 seconds)")
        for bad in ["nan", "inf", "1e400"] {
            #expect(
                usageError(["--stop-timeout", bad, "server"])
                    == "not a valid number of seconds for --stop-timeout: '\(bad)' (use e.g. 2 or 0.5)")
        }
    }

    /// Decoded as UTF-8, the byte 0xFF became U+FFFD's three bytes: a status file under another name, a
    /// health check that ran something else.
    @Test func optionValuesKeepTheirBytes() throws {
        let path: [UInt8] = Array("/run/st".utf8) + [0xFF] + Array(".json".utf8)
        let check: [UInt8] = Array("test -f /run/".utf8) + [0xFF]
        guard
            case .run(let parsed) = try ReboundOptions.parse([
                Array("--status-file".utf8), path, Array("--health-cmd".utf8), check,
                Array("server".utf8),
            ])
        else {
            Issue.record("did not parse as a run")
            return
        }
        #expect(parsed.statusFile == path)
        #expect(parsed.healthCheck?.command == check)
    }

    @Test func graceAndGraceSignalBuildTheDrain() throws {
        #expect(try options(["server"]).drain == nil)
        #expect(try options(["--grace", "30", "server"]).drain == GracefulDrain(grace: .seconds(30), signal: .terminate))
        #expect(
            try options(["--grace=2.5", "--grace-signal", "INT", "server"]).drain
                == GracefulDrain(grace: .milliseconds(2500), signal: .interrupt))
        #expect(try options(["--grace", "0", "--grace-signal=3", "server"]).drain == GracefulDrain(grace: .zero, signal: .quit))
        #expect(try options(["--grace", "86400", "server"]).drain?.grace == .seconds(86_400))
    }

    @Test(arguments: ["-1", "", "soon", "5s", "1e3", "-0.5", "9999999999"])
    func graceRejectsWhatIsNotSeconds(_ text: String) {
        #expect(
            usageError(["--grace", text, "server"])
                == "not a valid number of seconds for --grace: '\(text)' (use 0 to 86400, e.g. 30 or 2.5)")
    }

    @Test func graceRejectsMoreThanADayAndAGraceSignalAlone() {
        #expect(usageError(["--grace", "100000", "server"]) == "--grace '100000' is longer than a day (use 0 to 86400 seconds)")
        #expect(usageError(["--grace-signal", "INT", "server"]) == "--grace-signal SIGINT does nothing without --grace SECS")
        #expect(
            usageError(["--grace", "5", "--grace-signal", "FAST", "server"])
                == "not a valid signal for --grace-signal: 'FAST' (use a name such as TERM, INT, QUIT or a number)")
        #expect(usageError(["--grace", "5", "--grace-signal", "0", "server"])?.contains("'0'") == true)
        #expect(usageError(["--grace"]) == "option '--grace' needs a value")
    }

    /// --user is checked for its form here; the names are looked up when rebound starts.
    @Test func userTakesUserAndGroup() throws {
        #expect(try options(["server"]).user == nil)
        #expect(try options(["--user", "postgres", "server"]).user?.text == "postgres")
        #expect(try options(["--user=postgres:ssl-cert", "--", "server"]).user?.text == "postgres:ssl-cert")
        #expect(
            usageError(["--user", "a:b:c", "server"])
                == "not a valid user for --user: 'a:b:c' (use USER, USER:GROUP, UID or UID:GID)")
        #expect(usageError(["--user"]) == "option '--user' needs a value")
    }

    @Test func aProgramIsRequired() {
        #expect(usageError([]) == "no program to run")
        #expect(usageError(["-q", "--"]) == "no program to run")
    }

    @Test func helpAndVersion() throws {
        #expect(try ReboundOptions.parse(bytes(["-h"])) == .help)
        #expect(try ReboundOptions.parse(bytes(["--help", "server"])) == .help)
        #expect(try ReboundOptions.parse(bytes(["--version"])) == .version)
    }
}
