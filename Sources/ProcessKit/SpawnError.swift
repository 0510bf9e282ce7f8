/// Why a program could not be started: the step that failed in the child (or the fork itself) and
/// the `errno` it failed with, as reported back through a close-on-exec pipe.
public struct SpawnError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The program as it was given.
    public let program: String
    /// What failed.
    public let step: Step
    /// Why.
    public let errno: Errno
    /// The pid of the forked child that failed (already reaped); nil when no child was forked.
    public var childPID: Int32? = nil

    /// The steps from fork to exec.
    public enum Step: Int32, Sendable {
        case pipe = 1, fork, session, processGroup, foreground, parentDeathSignal, signals, workingDirectory, exec
    }

    /// The exit code a shell gives for this failure: 127 when the program was not found, 126 when it
    /// was found but could not be executed, 1 when no child could be set up.
    public var shellExitCode: Int32 {
        guard step == .exec else { return 1 }
        return errno == .noSuchFile || errno == .notDirectory ? 127 : 126
    }

    public var description: String {
        switch step {
        case .exec: return "exec \(program) failed: \(errno)"
        case .pipe: return "cannot start \(program): pipe failed: \(errno)"
        case .fork: return "cannot start \(program): fork failed: \(errno)"
        case .session: return "cannot start \(program): setsid failed: \(errno)"
        case .processGroup: return "cannot start \(program): setpgid failed: \(errno)"
        case .foreground: return "cannot start \(program): tcsetpgrp failed: \(errno)"
        case .parentDeathSignal: return "cannot start \(program): prctl(PR_SET_PDEATHSIG) failed: \(errno)"
        case .signals: return "cannot start \(program): setting signal mask or dispositions failed: \(errno)"
        case .workingDirectory: return "cannot start \(program): chdir failed: \(errno)"
        }
    }
}
