import ToolSupport

/// The texts swinit prints for --version, -h and -l.
enum SwinitText {
    static let version = "swinit version " + ReleaseVersion.number

    static let usage = """
        \(version)
        Usage: swinit [OPTIONS] PROGRAM -- [ARGS] | --version

        Execute a program under the supervision of a valid init process (swinit, a drop-in tini)

        Command line options:

          --version: Show version and exit.
          -h: Show this help message and exit.
          -s: Register as a process subreaper (requires Linux >= 3.4).
          -p SIGNAL: Trigger SIGNAL when parent dies, e.g. "-p SIGKILL".
          -v: Generate more verbose output. Repeat up to 3 times.
          -w: Print a warning when processes are getting reaped.
          -g: Send signals to the child's process group.
          -e EXIT_CODE: Remap EXIT_CODE (from 0 to 255) to 0.
          -l: Show license and exit.
          -P: Pause mode: run no program, reap zombies, exit 0 on SIGINT or SIGTERM.
          --grace SECS: When the child has exited, SIGTERM the processes left, wait up to SECS, then SIGKILL them.
          --grace-signal SIG: Send SIG instead of SIGTERM first when draining, e.g. "--grace-signal INT".
          --rewrite FROM:TO: Forward signal FROM as TO (TO 0 drops it), e.g. "--rewrite TERM:QUIT". Repeatable.
          --stop-sequence [SECS,]SIG[,SECS,SIG]...: On SIGTERM send the first SIG (after SECS if it starts with a delay), each next one SECS later; another SIGTERM skips ahead.
          --user USER[:GROUP]: Run the child as USER (name or id, as gosu does; HOME from /etc/passwd), e.g. "--user postgres".
          --log-format FORMAT: Write log lines as text (the default, tini's lines) or json (one JSON object per line).

        Environment variables:

          TINI_SUBREAPER, SWINIT_SUBREAPER: Register as a process subreaper (requires Linux >= 3.4).
          TINI_VERBOSITY, SWINIT_VERBOSITY: Set the verbosity level (default: 1).
          TINI_KILL_PROCESS_GROUP, SWINIT_KILL_PROCESS_GROUP: Send signals to the child's process group.
          SWINIT_GRACE: Like --grace (the option wins).
          SWINIT_GRACE_SIGNAL: Like --grace-signal (the option wins).
          SWINIT_LOG_FORMAT: Like --log-format (the option wins).
        """

    static let license = """
        MIT License

        Copyright (c) 2026 The ProcessKit authors

        Permission is hereby granted, free of charge, to any person obtaining a copy
        of this software and associated documentation files (the "Software"), to deal
        in the Software without restriction, including without limitation the rights
        to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
        copies of the Software, and to permit persons to whom the Software is
        furnished to do so, subject to the following conditions:

        The above copyright notice and this permission notice shall be included in all
        copies or substantial portions of the Software.

        THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
        IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
        FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
        AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
        LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
        OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
        SOFTWARE.
        """
}
