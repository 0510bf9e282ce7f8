import ToolSupport

/// Every event rebound logs of its own, named as its JSON lines name them (`event`); the events it
/// shares with swinit are ``SharedLogEvent``. A name, once released, stays: log pipelines match on it.
enum ReboundLogEvent: String, CaseIterable {
    /// The child is about to be started.
    case childStarting = "child_starting"
    /// The child could not be started or could not execute the program.
    case spawnFailed = "spawn_failed"
    /// The child ended and is restarted: `restarts` says which restart this is.
    case childRestarting = "child_restarting"
    /// The child exited 0 (without -0): rebound exits.
    case childFinished = "child_finished"
    /// SIGTERM or SIGINT killed the child: rebound exits.
    case childTerminated = "child_terminated"
    /// The child ended when no restart was left (followed by max_restarts_reached).
    case childEnded = "child_ended"
    /// -r restarts were used up: rebound exits.
    case maxRestartsReached = "max_restarts_reached"
    /// -b: the child fails rapidly, so the restart waits for the backoff.
    case restartThrottled = "restart_throttled"
    /// A signal was forwarded to the child.
    case signalForwarded = "signal_forwarded"
    /// A signal could not be forwarded to the child.
    case signalFailed = "signal_failed"
    /// --stop-timeout passed after a stop signal: the child gets SIGKILL.
    case stopTimeoutExpired = "stop_timeout_expired"
    /// The child exited after a stop signal: rebound exits.
    case shutdown = "shutdown"
    /// A stop signal came during a restart delay: rebound exits.
    case shutdownDuringDelay = "shutdown_during_delay"
    /// A health check failed (`counted` false in the start period).
    case healthCheckFailed = "health_check_failed"
    /// A health check could not be started (not counted).
    case healthCheckNotRun = "health_check_not_run"
    /// Health checks run again after some could not be started.
    case healthChecksResumed = "health_checks_resumed"
    /// Health checks run without rebound-health-check (rebound cannot execute itself).
    case healthRunnerUnavailable = "health_runner_unavailable"
    /// --status-file's directory can be written by another user.
    case statusFileDirectoryUnsafe = "status_file_directory_unsafe"
    /// --status-file could not be written.
    case statusFileWriteFailed = "status_file_write_failed"
    /// Waiting for signals failed: rebound gives up.
    case waitFailed = "wait_failed"
}
