import ProcessKit

/// `timeout`: a drop-in for GNU coreutils' `timeout` on ProcessKit. Runs COMMAND and, if it is
/// still running after DURATION, sends it a signal (TERM unless `-s` says otherwise), then KILL
/// after `-k DURATION` more. Exit statuses as GNU's: 124 timed out, 125 timeout's own error, 126
/// cannot run, 127 not found, 137 killed by `-k` (or `-s KILL`), the command's status otherwise.
///
/// Like GNU's, it puts itself in a process group of its own (unless `--foreground`) so the signal
/// reaches everything the command started, and forwards INT, QUIT, HUP and TERM to the command. It
/// waits with no signal handler and no polling: the signals stay blocked and it sleeps in
/// `sigtimedwait` until one comes or the deadline passes. The command starts as GNU's does: with
/// timeout's signal mask, the signals timeout handles (ALRM, INT, QUIT, HUP, TERM, CHLD and `-s`'s)
/// and the terminal ones at their default action, any other signal timeout inherited as ignored
/// still ignored.
@main
struct Timeout {
    static let cannotStart: Int32 = 125
    static let timedOutStatus: Int32 = 124

    static func main() {
        let argv = Arguments.currentBytes
        let name = argv.first.map { String(decoding: $0, as: UTF8.self) } ?? "timeout"
        let options: TimeoutOptions
        do {
            switch try TimeoutOptions.parse(Array(argv.dropFirst())) {
            case .run(let parsed): options = parsed
            case .help:
                printOutput(help(name))
                ProcessControl.exit(0)
            case .version:
                printOutput("timeout (ProcessKit example) 1.0")
                ProcessControl.exit(0)
            }
        } catch {
            if let message = error.message { printError("\(name): \(message)") }
            printError("Try '\(name) --help' for more information.")
            ProcessControl.exit(cannotStart)
        }
        var run = TimeoutRun(options: options, name: name)
        ProcessControl.exit(run.start())
    }

    /// Writes one line to standard error.
    static func printError(_ line: String) {
        try? FileDescriptor.standardError.writeAll(Array((line + "\n").utf8))
    }

    /// Writes text and a newline to standard output, at once (the process ends with `_exit`).
    static func printOutput(_ text: String) {
        try? FileDescriptor.standardOutput.writeAll(Array((text + "\n").utf8))
    }

    static func help(_ name: String) -> String {
        """
        Usage: \(name) [OPTION] DURATION COMMAND [ARG]...
          or:  \(name) [OPTION]
        Start COMMAND, and kill it if still running after DURATION.

              --preserve-status
                         exit with the same status as COMMAND, even when the
                           command times out
              --foreground
                         when not running timeout directly from a shell prompt,
                           allow COMMAND to read from the TTY and get TTY signals;
                           in this mode, children of COMMAND will not be timed out
          -k, --kill-after=DURATION
                         also send a KILL signal if COMMAND is still running
                           this long after the initial signal was sent
          -s, --signal=SIGNAL
                         specify the signal to be sent on timeout;
                           SIGNAL may be a name like 'HUP' or a number;
                           see 'kill -l' for a list of signals
          -v, --verbose  diagnose to stderr any signal sent upon timeout
              --help     display this help and exit
              --version  output version information and exit

        DURATION is a floating point number with an optional suffix:
        's' for seconds (the default), 'm' for minutes, 'h' for hours or 'd' for days.
        A duration of 0 disables the associated timeout.

        Exit status:
          124  if COMMAND times out, and --preserve-status is not specified
          125  if the timeout command itself fails
          126  if COMMAND is found but cannot be invoked
          127  if COMMAND cannot be found
          137  if COMMAND (or timeout itself) is sent the KILL (9) signal (128+9)
          -    the exit status of COMMAND otherwise
        """
    }
}
