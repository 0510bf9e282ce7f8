import Testing
import ProcessKit
@testable import swinit
import ToolSupport

/// Parsing of the issue-6 options: --grace/SWINIT_GRACE, --rewrite, --stop-sequence, -P, and the
/// stop sequence's step-by-step progress.
@Suite struct SwinitFeatureOptionsTests {
    func parse(_ arguments: [String], _ environment: [String: String] = [:]) throws(UsageError) -> SwinitOptions {
        guard case .run(let options) = try SwinitOptions.parse(bytes(arguments), environment: { environment[$0] }) else {
            throw UsageError(message: "\(arguments) did not ask to run")
        }
        return options
    }

    /// The one-line message a rejected command line gets; nil when it was accepted.
    func rejection(_ arguments: [String], _ environment: [String: String] = [:]) -> String? {
        do {
            _ = try parse(arguments, environment)
            return nil
        } catch {
            return error.message
        }
    }

    func signal(_ text: String) -> Signal { try! Signal(parsing: text) }

    @Test func everyFeatureIsOffByDefault() throws {
        let options = try parse(["sh"])
        #expect(options.grace == nil)
        #expect(options.rewrites.isEmpty)
        #expect(options.stopSequence.steps.isEmpty)
        #expect(options.pause == false)
    }

    /// --user is checked for its form here; the names are looked up when swinit starts.
    @Test func userTakesUserAndGroupButNotInPauseMode() throws {
        #expect(try parse(["sh"]).user == nil)
        #expect(try parse(["--user", "postgres", "sh"]).user?.text == "postgres")
        #expect(try parse(["--user=1000:1000", "--", "sh"]).user?.text == "1000:1000")
        #expect(rejection(["--user", "", "sh"]) == "not a valid user for --user: '' (use USER, USER:GROUP, UID or UID:GID)")
        #expect(rejection(["-P", "--user", "nobody"]) == "-P runs no program, so --user nobody has nothing to run as that user")
    }

    @Test func graceFromOptionOrEnvironmentAndTheOptionWins() throws {
        #expect(try parse(["--grace", "5", "sh"]).grace == .seconds(5))
        #expect(try parse(["--grace=2.5", "sh"]).grace == .milliseconds(2500))
        #expect(try parse(["sh"], ["SWINIT_GRACE": "7"]).grace == .seconds(7))
        #expect(try parse(["--grace", "1", "sh"], ["SWINIT_GRACE": "7"]).grace == .seconds(1))
    }

    @Test(arguments: ["", "-1", "five", "5s", "1.2.3", " 5", "1e3", "9999999999"])
    func graceRejectsWhatIsNotSeconds(_ text: String) {
        #expect(
            rejection(["--grace", text, "sh"])
                == "not a valid number of seconds for --grace: '\(text)' (use 0 to 86400, e.g. 30 or 2.5)")
        #expect(
            rejection(["sh"], ["SWINIT_GRACE": text])
                == "not a valid number of seconds for SWINIT_GRACE: '\(text)' (use 0 to 86400, e.g. 30 or 2.5)")
    }

    /// Summed in floating point, 400 digits came out NaN: --grace refused it as "longer than a day", and
    /// a --stop-sequence delay of NaN.
    @Test func secondsOfHundredsOfDigitsAreReadExactly() throws {
        let long = "0." + String(repeating: "5", count: 400)
        #expect(try parse(["--grace", long, "sh"]).grace == .nanoseconds(555_555_555))
        #expect(try parse(["sh"], ["SWINIT_GRACE": long]).grace == .nanoseconds(555_555_555))
        #expect(
            try parse(["--stop-sequence", "TSTP,\(long),TERM", "sh"]).stopSequence.steps.map(\.delay) == [
                .zero, .nanoseconds(555_555_555),
            ])
        #expect(
            try parse(["--stop-sequence", "\(long),TERM", "sh"]).stopSequence.steps.map(\.delay) == [
                .zero, .nanoseconds(555_555_555),
            ])
        for bad in ["nan", "inf", "1e400"] {
            #expect(
                rejection(["--grace", bad, "sh"])
                    == "not a valid number of seconds for --grace: '\(bad)' (use 0 to 86400, e.g. 30 or 2.5)")
        }
    }

    @Test func graceRejectsMoreThanADay() throws {
        #expect(try parse(["--grace", "86400", "sh"]).grace == .seconds(86_400))
        #expect(rejection(["--grace", "86400.5", "sh"]) == "--grace '86400.5' is longer than a day (use 0 to 86400 seconds)")
        #expect(rejection(["--grace", "999999999", "sh"]) == "--grace '999999999' is longer than a day (use 0 to 86400 seconds)")
    }

    @Test func graceSignalTakesNamesOrNumbersAndDefaultsToTerm() throws {
        #expect(try parse(["--grace", "5", "sh"]).drain == GracefulDrain(grace: .seconds(5), signal: .terminate))
        #expect(
            try parse(["--grace", "5", "--grace-signal", "INT", "sh"]).drain
                == GracefulDrain(grace: .seconds(5), signal: .interrupt))
        #expect(try parse(["--grace-signal=sigquit", "--grace=5", "sh"]).drain?.signal == .quit)
        #expect(try parse(["--grace", "5", "--grace-signal", "2", "sh"]).drain?.signal == .interrupt)
        #expect(try parse(["sh"], ["SWINIT_GRACE": "5", "SWINIT_GRACE_SIGNAL": "QUIT"]).drain?.signal == .quit)
        #expect(
            try parse(["--grace-signal", "INT", "sh"], ["SWINIT_GRACE": "5", "SWINIT_GRACE_SIGNAL": "QUIT"]).drain?.signal
                == .interrupt)
        #expect(try parse(["sh"]).drain == nil)
    }

    @Test(arguments: ["", "NOPE", "0", "65", "-15", "SIGTERMX"])
    func graceSignalRejectsWhatIsNotASignal(_ text: String) {
        #expect(
            rejection(["--grace", "5", "--grace-signal", text, "sh"])
                == "not a valid signal for --grace-signal: '\(text)' (use a name such as TERM, INT, QUIT or a number)")
    }

    @Test func graceSignalWithoutGraceIsAUsageError() {
        #expect(
            rejection(["--grace-signal", "INT", "sh"])
                == "--grace-signal SIGINT does nothing without --grace SECS (or SWINIT_GRACE)")
        #expect(rejection(["--grace-signal"]) == "option '--grace-signal' needs a value")
    }

    @Test func graceWithoutValueIsAUsageError() {
        #expect(rejection(["--grace"]) == "option '--grace' needs a value")
    }

    @Test func rewriteTakesNamesOrNumbersAndZeroDrops() throws {
        let options = try parse(["--rewrite", "TERM:QUIT", "--rewrite=10:sigusr2", "--rewrite", "SIGHUP:0", "sh"])
        #expect(options.rewrites.rewritten(.terminate) == .quit)
        #expect(options.rewrites.rewritten(.user1) == .user2)
        #expect(options.rewrites.rewritten(.hangup) == nil)
        #expect(options.rewrites.rewritten(.interrupt) == .interrupt)
    }

    @Test func rewriteRejectsBadInputWithOneClearLine() {
        let shape = "(use FROM:TO, e.g. TERM:QUIT, or TERM:0 to drop SIGTERM)"
        #expect(rejection(["--rewrite", "TERM", "sh"]) == "not a valid --rewrite 'TERM' \(shape)")
        #expect(rejection(["--rewrite", "TERM:", "sh"]) == "not a valid --rewrite 'TERM:' \(shape)")
        #expect(rejection(["--rewrite", "1:2:3", "sh"]) == "not a valid --rewrite '1:2:3' \(shape)")
        #expect(
            rejection(["--rewrite", "TERM:NOPE", "sh"])
                == "not a valid --rewrite 'TERM:NOPE': unknown signal 'NOPE' (use a name like TERM or SIGUSR1, or a number 1-64)")
        #expect(
            rejection(["--rewrite", "0:TERM", "sh"])
                == "not a valid --rewrite '0:TERM': unknown signal '0' (use a name like TERM or SIGUSR1, or a number 1-64)")
        #expect(
            rejection(["--rewrite", "CHLD:TERM", "sh"])
                == "not a valid --rewrite 'CHLD:TERM': swinit never forwards SIGCHLD, so it cannot be rewritten")
        #expect(
            rejection(["--rewrite", "KILL:TERM", "sh"])
                == "not a valid --rewrite 'KILL:TERM': swinit never forwards SIGKILL, so it cannot be rewritten")
        #expect(
            rejection(["--rewrite", "TERM:QUIT", "--rewrite", "15:0", "sh"])
                == "not a valid --rewrite '15:0': SIGTERM is already rewritten by an earlier --rewrite")
    }

    @Test func stopSequenceHasAnyNumberOfSteps() throws {
        let one = try parse(["--stop-sequence", "TERM", "sh"]).stopSequence
        #expect(one.steps == [.init(delay: .zero, signal: .terminate)])
        let sidekiq = try parse(["--stop-sequence", "TSTP,20,TERM", "sh"]).stopSequence
        #expect(sidekiq.steps == [.init(delay: .zero, signal: .terminalStop), .init(delay: .seconds(20), signal: .terminate)])
        // A leading delay holds the first SIGTERM back; a first signal 0 is the same "nothing yet".
        let held = try parse(["--stop-sequence", "10,TERM", "sh"]).stopSequence
        #expect(held.steps == [.init(delay: .zero, signal: nil), .init(delay: .seconds(10), signal: .terminate)])
        #expect(try parse(["--stop-sequence", "0,10,TERM", "sh"]).stopSequence == held)
        let heldThenStaged = try parse(["--stop-sequence", "5,TSTP,20,TERM", "sh"]).stopSequence
        #expect(
            heldThenStaged.steps == [
                .init(delay: .zero, signal: nil), .init(delay: .seconds(5), signal: .terminalStop),
                .init(delay: .seconds(20), signal: .terminate),
            ])
        let four = try parse(["--stop-sequence=usr1,0.5,10,2,SIGINT,.25,KILL", "sh"]).stopSequence
        #expect(
            four.steps == [
                .init(delay: .zero, signal: .user1), .init(delay: .milliseconds(500), signal: .user1),
                .init(delay: .seconds(2), signal: .interrupt), .init(delay: .milliseconds(250), signal: .kill),
            ])
    }

    @Test(arguments: [
        ("", "item 1 is empty"),
        ("TSTP,,TERM", "item 2 is empty"),
        ("TSTP,20,", "item 3 is empty"),
        (",20,TERM", "item 1 is empty"),
        ("TSTP,20", "it ends with the delay '20'; a signal must follow"),
        ("TSTP,TERM", "item 2 'TERM' is not a number of seconds; signals and delays alternate"),
        ("TSTP,-1,TERM", "item 2 '-1' is not a number of seconds; signals and delays alternate"),
        ("20,TERM,5", "item 2 'TERM' is not a number of seconds; signals and delays alternate"),
        ("TSTP,20,TERM,5", "it ends with the delay '5'; a signal must follow"),
        ("10,TERM,5,", "item 4 is empty"),
        ("-1,TERM", "item 1 '-1' is neither a number of seconds nor a signal"),
        ("10,0", "item 2 '0' is not a signal"),
        ("NOPE,20,TERM", "item 1 'NOPE' is not a signal"),
        ("TSTP,20,0", "item 3 '0' is not a signal"),
    ])
    func stopSequenceRejectsBadInputNamingTheItem(_ text: String, _ reason: String) {
        #expect(
            rejection(["--stop-sequence", text, "sh"])
                == "not a valid --stop-sequence '\(text)': \(reason) (use [SECONDS,]SIGNAL[,SECONDS,SIGNAL]..., e.g. TSTP,20,TERM)"
        )
    }

    @Test func stopSequenceOwnsSigtermSoRewritingSigtermConflicts() {
        #expect(
            rejection(["--stop-sequence", "TSTP,20,TERM", "--rewrite", "TERM:QUIT", "sh"])
                == "--rewrite of SIGTERM conflicts with --stop-sequence, which decides what SIGTERM sends")
        // Rewriting other signals is fine.
        #expect(rejection(["--stop-sequence", "TSTP,20,TERM", "--rewrite", "INT:TERM", "sh"]) == nil)
    }

    @Test func pauseRunsNoProgram() throws {
        let options = try parse(["-P"])
        #expect(options.pause)
        #expect(options.command.isEmpty)
        #expect(try parse(["-P", "--grace", "3"]).grace == .seconds(3))
        #expect(rejection(["-P", "sleep", "1"]) == "-P runs no program, but one was given: 'sleep'")
        #expect(
            rejection(["-P", "--rewrite", "TERM:QUIT"])
                == "-P runs no program, so --rewrite and --stop-sequence have nothing to send signals to")
        #expect(rejection([]) == "no program to run")
    }

    @Test func usageNamesTheNewOptions() {
        for text in [
            "-P:", "--grace SECS:", "--rewrite FROM:TO:", "--stop-sequence [SECS,]SIG[,SECS,SIG]...:", "SWINIT_GRACE:",
            "--grace-signal SIG:", "SWINIT_GRACE_SIGNAL:",
        ] {
            #expect(SwinitText.usage.contains(text), "usage lacks \(text)")
        }
    }
}
