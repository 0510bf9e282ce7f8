import Testing
import ProcessKit
@testable import swinit
import ToolSupport

/// Command-line arguments as the tools read argv: bytes.
func bytes(_ arguments: [String]) -> [[UInt8]] { arguments.map { Array($0.utf8) } }

@Suite struct SwinitOptionsTests {
    func parse(_ arguments: [String], _ environment: [String: String] = [:]) throws(UsageError) -> SwinitRequest {
        try SwinitOptions.parse(bytes(arguments), environment: { environment[$0] })
    }

    /// The options of a command line that runs a program; nil (and a recorded issue) otherwise.
    func options(
        _ arguments: [String], _ environment: [String: String] = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> SwinitOptions? {
        do {
            guard case .run(let options) = try parse(arguments, environment) else {
                Issue.record("\(arguments) did not ask to run a program", sourceLocation: sourceLocation)
                return nil
            }
            return options
        } catch {
            Issue.record("\(arguments) \(environment) rejected: \(error.message)", sourceLocation: sourceLocation)
            return nil
        }
    }

    /// The usage error's message; nil (and a recorded issue) when the command line was accepted.
    func rejection(
        _ arguments: [String], _ environment: [String: String] = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> String? {
        do {
            let request = try parse(arguments, environment)
            Issue.record("\(arguments) \(environment) accepted as \(request)", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func defaults() {
        let parsed = options(["sh", "-c", "exit 3"])
        var expected = SwinitOptions()
        expected.command = bytes(["sh", "-c", "exit 3"])
        #expect(parsed == expected)
        #expect(parsed?.subreaper == false)
        #expect(parsed?.verbosity == 1)
        #expect(parsed?.warnOnReap == false)
        #expect(parsed?.signalProcessGroup == false)
        #expect(parsed?.parentDeathSignal == nil)
        #expect(parsed?.remappedExitCodes == [])
    }

    @Test func everyFlag() {
        #expect(options(["-s", "prog"])?.subreaper == true)
        #expect(options(["-w", "prog"])?.warnOnReap == true)
        #expect(options(["-g", "prog"])?.signalProcessGroup == true)
        #expect(options(["-v", "prog"])?.verbosity == 2)
        #expect(options(["-vvv", "prog"])?.verbosity == 4)
        #expect(options(["-v", "-v", "prog"])?.verbosity == 3)
        #expect(options(["-p", "SIGKILL", "prog"])?.parentDeathSignal == .kill)
        #expect(options(["-pusr1", "prog"])?.parentDeathSignal == .user1)
        #expect(options(["-p", "15", "prog"])?.parentDeathSignal == .terminate)
        #expect(
            options(["-p", "SIGRTMIN+2", "prog"])?.parentDeathSignal == Signal(rawValue: Signal.realtimeMinimum.rawValue + 2))
        #expect(options(["-e", "143", "prog"])?.remappedExitCodes == [143])
        #expect(options(["-e143", "-e", "2", "prog"])?.remappedExitCodes == [143, 2])

        let all = options(["-swgvp", "TERM", "-e", "1", "--", "prog", "-s"])
        var expected = SwinitOptions()
        expected.subreaper = true
        expected.warnOnReap = true
        expected.signalProcessGroup = true
        expected.verbosity = 2
        expected.parentDeathSignal = .terminate
        expected.remappedExitCodes = [1]
        expected.command = bytes(["prog", "-s"])
        #expect(all == expected)
    }

    @Test func informationRequests() throws {
        #expect(try parse(["-h"]) == .help)
        #expect(try parse(["--help"]) == .help)
        #expect(try parse(["-h", "prog"]) == .help)
        #expect(try parse(["-s", "-h"]) == .help)
        #expect(try parse(["--version"]) == .version)
        #expect(try parse(["-l"]) == .license)
    }

    @Test func parsingStopsAtTheProgram() {
        let parsed = options(["-s", "prog", "-g", "-e", "3", "--", "x"])
        #expect(parsed?.command == bytes(["prog", "-g", "-e", "3", "--", "x"]))
        #expect(parsed?.signalProcessGroup == false)
        #expect(parsed?.remappedExitCodes == [])
        #expect(options(["--", "-s"])?.command == bytes(["-s"]))
        #expect(options(["--", "-s"])?.subreaper == false)
    }

    @Test(arguments: ["TINI_SUBREAPER", "SWINIT_SUBREAPER"])
    func subreaperFromEnvironment(_ name: String) {
        #expect(options(["prog"], [name: "1"])?.subreaper == true)
        // tini only checks that the variable is set.
        #expect(options(["prog"], [name: ""])?.subreaper == true)
        #expect(options(["prog"], ["OTHER": "1"])?.subreaper == false)
    }

    @Test(arguments: ["TINI_KILL_PROCESS_GROUP", "SWINIT_KILL_PROCESS_GROUP"])
    func processGroupFromEnvironment(_ name: String) {
        #expect(options(["prog"], [name: "1"])?.signalProcessGroup == true)
        #expect(options(["prog"], [name: ""])?.signalProcessGroup == true)
    }

    @Test(arguments: ["TINI_VERBOSITY", "SWINIT_VERBOSITY"])
    func verbosityFromEnvironment(_ name: String) {
        #expect(options(["prog"], [name: "0"])?.verbosity == 0)
        #expect(options(["prog"], [name: "3"])?.verbosity == 3)
        // -v counts up from the level the environment set.
        #expect(options(["-v", "prog"], [name: "2"])?.verbosity == 3)
    }

    /// tini reads the level with atoi() and never refuses to start over it; swinit reads it the same
    /// way (an image that starts under tini must start under swinit) and warns.
    @Test(arguments: [("loud", 0), ("", 0), ("2x", 2), (" 3", 3), ("+1", 1), ("-1", 0), ("99999999999999", 100)])
    func verbosityThatIsNotANumberIsReadLikeTinisAtoiWithAWarning(_ text: String, _ level: Int) throws {
        let read = try #require(options(["prog"], ["TINI_VERBOSITY": text]))
        #expect(read.verbosity == level)
        #expect(read.warnings.count == 1 && read.warnings[0].contains("'\(text)'"), "\(read.warnings)")
        #expect(options(["prog"], ["TINI_VERBOSITY": "2"])?.warnings == [])
    }

    @Test func swinitVerbosityWinsOverTini() {
        #expect(options(["prog"], ["TINI_VERBOSITY": "0", "SWINIT_VERBOSITY": "3"])?.verbosity == 3)
    }

    @Test func everyExitCodeFrom0To255IsAccepted() {
        for code: Int32 in 0...255 {
            #expect(options(["-e", "\(code)", "prog"])?.remappedExitCodes == [code])
            #expect(options(["-e\(code)", "prog"])?.remappedExitCodes == [code])
        }
    }

    /// -e turns the codes it names into 0, a signal's 128+N included; any other code stays.
    @Test func remappedExitCodesBecomeZero() throws {
        let remapping = try #require(options(["-e", "3", "-e", "137", "prog"]))
        #expect(remapping.exitCode(for: .exited(code: 3)) == 0)
        #expect(remapping.exitCode(for: .signaled(.kill, coreDumped: false)) == 0)
        #expect(remapping.exitCode(for: .exited(code: 4)) == 4)
        #expect(remapping.exitCode(for: .signaled(.terminate, coreDumped: false)) == 143)
        #expect(try #require(options(["prog"])).exitCode(for: .exited(code: 3)) == 3)
    }

    @Test(arguments: ["256", "-1", "abc", "", "1.5", "+3", " 3", "3 ", "99999999999"])
    func badExitCodesAreRejected(_ text: String) {
        let message = rejection(["-e", text, "prog"])
        #expect(message?.contains("-e") == true)
        #expect(message?.contains("'\(text)'") == true)
    }

    @Test(arguments: ["NOPE", "0", "65", "", "SIG", "RTMIN+99"])
    func badParentDeathSignalsAreRejected(_ text: String) {
        let message = rejection(["-p", text, "prog"])
        #expect(message?.contains("-p") == true)
        #expect(message?.contains("'\(text)'") == true)
    }

    @Test func usageErrors() {
        #expect(rejection([])?.contains("no program") == true)
        #expect(rejection(["-s"])?.contains("no program") == true)
        #expect(rejection(["-s", "--"])?.contains("no program") == true)
        #expect(rejection(["-x", "prog"])?.contains("-x") == true)
        #expect(rejection(["--nope", "prog"])?.contains("--nope") == true)
        #expect(rejection(["-e"])?.contains("-e") == true)
        // An option after the program belongs to the program.
        #expect(options(["prog", "-e"])?.command == bytes(["prog", "-e"]))
    }
}
