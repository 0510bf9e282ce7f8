import ProcessKit

/// `tee-capture LOG COMMAND [ARG]...`: runs COMMAND, shows what it prints (standard output and error
/// merged, in the order it wrote them, as a terminal shows them) and appends the same bytes to LOG,
/// then exits with COMMAND's status (128+N when signal N killed it). It is
/// `COMMAND 2>&1 | tee -a LOG` without losing COMMAND's exit status to tee's.
///
/// Exit statuses: COMMAND's own; 126/127 when it cannot be run or is not found; 125 for a usage
/// error or a LOG that cannot be opened.
@main
struct TeeCapture {
    static func main() {
        let argv = Arguments.currentBytes
        guard argv.count >= 3 else {
            printError("usage: tee-capture LOG COMMAND [ARG]...")
            ProcessControl.exit(125)
        }
        let logPath = String(decoding: argv[1], as: UTF8.self)
        let log: FileDescriptor
        do { log = try FileDescriptor.open(logPath, .append) } catch {
            printError("tee-capture: cannot open \(logPath): \(error)")
            ProcessControl.exit(125)
        }
        // A reader of our output that goes away must not kill us before the log is written; the child
        // starts with SIGPIPE at its default action all the same (ProcessKit's children start clean).
        try? Signal.brokenPipe.setDisposition(.ignore)
        var command = Command(bytes: argv[2], arguments: Array(argv[3...]))
        command.standardOutput = .pipe
        command.standardError = .standardOutput
        let child: ChildProcess
        do { child = try command.spawn() } catch {
            printError("tee-capture: \(error)")
            ProcessControl.exit(error.shellExitCode)
        }
        // The child's output, as it comes: to our standard output and to the log. A reader of ours
        // that went away (EPIPE) stops the copying to it, not to the log.
        var showing = true
        while let chunk = try? child.standardOutput.read(upToCount: 65536), !chunk.isEmpty {
            if showing, (try? FileDescriptor.standardOutput.writeAll(chunk)) == nil { showing = false }
            try? log.writeAll(chunk)
        }
        try? log.close()
        guard let status = try? child.wait() else { ProcessControl.exit(125) }
        ProcessControl.exit(status.shellExitCode)
    }

    static func printError(_ line: String) {
        try? FileDescriptor.standardError.writeAll(Array((line + "\n").utf8))
    }
}
