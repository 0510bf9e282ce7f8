import CProcessKit
import ProcessKit
import ToolSupport

/// The process between rebound and a health check's `/bin/sh -c CMD`, so that nothing a check
/// started outlives it. rebound starts its own binary again (the path /proc/self/exe gives) with argv[0]
/// ``name``; this registers as a child subreaper, runs the shell in a process group of its own, and
/// once the shell has exited SIGKILLs the group and every process still below it, found through
/// /proc (``GracefulDrain`` over ``GracefulDrain/Scope/descendants``). A process cannot leave a
/// subreaper's tree: its orphans are adopted by it whatever session or group they moved to (`setsid`,
/// a double fork). Its SIGTERM (rebound's timeout, or the end of the child's run) goes with SIGCONT
/// to everything below it, SIGKILL follows after ``stopGrace``.
///
/// It tells rebound how the check ended in one line on its standard output (a pipe rebound reads):
/// "exit N", "signal N", or "not run: REASON" when it could not start the shell, which rebound does
/// not count as a failed check.
enum HealthCheckRunner {
    /// argv[0] that makes rebound this instead (`ps` shows it).
    static let name = "rebound-health-check"
    /// How long the processes of a check being stopped get between SIGTERM and SIGKILL.
    static let stopGrace = Duration.seconds(5)

    /// Runs the check `arguments[0]` and reports its end; never returns.
    static func main(_ arguments: [[UInt8]]) -> Never {
        guard arguments.count == 1 else {
            Output.error(name + ": expects one argument, a health check's command (rebound starts it)")
            ProcessControl.exit(2)
        }
        // Not fatal: where it is refused (qemu-user), the shell's process group is still SIGKILLed.
        try? ProcessControl.setChildSubreaper()
        let events: SupervisorEvents
        do { events = try SupervisorEvents() } catch { finish("not run: cannot set up signal handling: \(error)") }
        var shell = Command(bytes: Array("/bin/sh".utf8), arguments: [Array("-c".utf8), arguments[0]])
        shell.processGroup = .new
        shell.standardOutput = .null  // a passing check's chatter stays out of the log; stderr shows why one failed
        let check: ChildProcess
        do { check = try events.start(shell) } catch { finish("not run: " + error.description) }
        while true {
            switch events.next() {
            case .childEnded(let pid, let status) where pid == check.pid:
                try? Signal.kill.send(to: -pid)
                GracefulDrain(grace: .zero, signal: .kill).run(events, scope: .descendants) { _ in }
                switch status {
                case .exited(let code): finish("exit " + String(code))
                case .signaled(let signal, _): finish("signal " + String(signal.rawValue))
                case .stopped, .continued: continue
                }
            case .signal(let received) where received.signal == .terminate:
                try? check.send(.terminate, toGroup: true)
                try? check.send(.continue, toGroup: true)
                GracefulDrain(grace: stopGrace, signal: .terminate).run(events, scope: .descendants) { _ in }
                try? Signal.kill.send(to: -check.pid)
                ProcessControl.exit(128 + Signal.terminate.rawValue)
            case .waitFailed:
                try? Signal.kill.send(to: -check.pid)
                GracefulDrain(grace: .zero, signal: .kill).run(events, scope: .descendants) { _ in }
                ProcessControl.exit(1)
            case .childEnded, .signal, .deadline, .noChildrenLeft: continue
            }
        }
    }

    /// rebound's own binary, as /proc/self/exe names it, nil when it cannot be read (no /proc). The
    /// path it names rather than /proc/self/exe itself: an emulator (qemu-user) makes the link name
    /// the emulated program, but executing the link may start the emulator instead.
    static func executablePath() -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let length = buffer.withUnsafeMutableBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { readlink("/proc/self/exe", $0.baseAddress!, 4095) }
        }
        guard length > 0 else { return nil }
        return Array(buffer[..<length])
    }

    /// Writes `report` for rebound and exits 0.
    static func finish(_ report: String) -> Never {
        Output.write(report + "\n", to: 1)
        ProcessControl.exit(0)
    }

    /// What a report says, nil when there is none (the runner was killed before it could write one).
    static func outcome(of report: [UInt8]) -> HealthMonitor.Outcome? {
        var line = report
        while line.last == UInt8(ascii: "\n") { line.removeLast() }
        if line.starts(with: "not run: ".utf8) { return .notRun(String(decoding: line.dropFirst(9), as: UTF8.self)) }
        if line.starts(with: "exit ".utf8), let code = ASCII.decimal(line.dropFirst(5)) {
            return code == 0 ? .passed : .exited(code: code)
        }
        if line.starts(with: "signal ".utf8), let number = ASCII.decimal(line.dropFirst(7)), let signal = Signal(rawValue: number)
        {
            return .killed(signal)
        }
        return nil
    }
}
