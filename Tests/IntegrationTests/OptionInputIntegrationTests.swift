import Foundation
import Testing
import TestSupport

/// Option values and names as an attacker or a careless script writes them, through the built
/// binaries: numbers too long for floating point, bytes that are not UTF-8, control bytes.
@Suite struct OptionInputIntegrationTests {
    /// "0.555…" with 400 digits: summed in floating point it overflowed to infinity and came out NaN,
    /// which rebound accepted as a stop timeout whose SIGKILL never came.
    static let longFraction = "0." + String(repeating: "5", count: 400)

    @Test func aStopTimeoutOfHundredsOfDigitsStillEndsInSigkill() throws {
        let rebound = try BackgroundProcess(
            Harness.rebound,
            [
                "--stop-timeout", Self.longFraction, "sh", "-c",
                "trap '' TERM; echo ready >&2; exec sleep 30",
            ])
        try #require(rebound.waitForOutput("ready"))
        let sent = rebound.send(SIGTERM)
        let exit = rebound.waitForExit(timeout: 20)
        #expect(exit.status == 137)
        #expect(seconds(exit.at - sent) >= 0.5)
    }

    @Test func swinitReadsAGraceOfHundredsOfDigits() throws {
        try Harness.requireSubreaper()
        let result = try Harness.run(Harness.swinit, ["-s", "-vv", "--grace", Self.longFraction, "--", "true"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("Grace: no processes left"), "\(result.stderr)")
    }

    /// Decoded as UTF-8, the byte 0xFF in an option value became U+FFFD's three bytes: a status file
    /// under another name than the one a monitor reads, a health check that ran something else.
    @Test func reboundUsesOptionValuesByteForByte() throws {
        let result = try Harness.shell(
            #"""
            set -e
            cd "$(mktemp -d)"
            status=$(printf 'st\377.json')
            check=$(printf 'printf %%s \377 > ran')
            "$REBOUND" -q --status-file "$PWD/$status" --health-cmd "$check" --health-interval 0.05 -- \
                sh -c 'while [ ! -s ran ]; do sleep 0.05; done'
            [ -e "$PWD/$status" ] && echo "status file: found"
            od -An -tx1 ran
            """#)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("status file: found"), "\(result.stdout)")
        #expect(result.stdout.contains(" ff\n"), "the health check wrote \(result.stdout)")
    }

    /// A newline in a program name split a log line in two, an escape sequence went to the terminal.
    @Test func controlBytesInNamesStayInsideTheirLine() throws {
        try Harness.requireExecFailureReports()
        let result = try Harness.shell(
            #"""
            name=$(printf 'no\nsuch\033[31m')
            {
                "$REBOUND" -r 1 -- "$name"; echo "rebound: exit $?"
                "$SWINIT" -- "$name"; echo "swinit: exit $?"
                "$REBOUND" -d "$(printf '1\n2')" true; echo "usage: exit $?"
            } 2>&1
            """#)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("rebound: starting no\\x0asuch\\x1b[31m"), "\(lines)")
        #expect(lines.contains("rebound: exec no\\x0asuch\\x1b[31m: No such file or directory"), "\(lines)")
        #expect(lines.contains { $0.hasSuffix("] exec no\\x0asuch\\x1b[31m failed: No such file or directory") }, "\(lines)")
        #expect(
            lines.contains("rebound: not a valid number of seconds for --restart-delay: '1\\x0a2' (use e.g. 2 or 0.5)"),
            "\(lines)")
        #expect(!result.stdout.contains("\u{1b}"), "\(lines)")
        #expect(lines.contains("swinit: exit 127") && lines.contains("usage: exit 1"), "\(lines)")
    }
}
