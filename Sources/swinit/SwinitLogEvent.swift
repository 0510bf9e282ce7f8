import ToolSupport

/// Every event swinit logs of its own, named as its JSON lines name them (`event`); the events it
/// shares with rebound are ``SharedLogEvent``. A name, once released, stays: log pipelines match on it.
enum SwinitLogEvent: String, CaseIterable {
    /// A setting was read leniently, as tini reads it (TINI_VERBOSITY that is not a number).
    case settingReadLeniently = "setting_read_leniently"
    /// -p: the parent death signal could not be set.
    case parentDeathSignalFailed = "parent_death_signal_failed"
    /// swinit is neither PID 1 nor a subreaper, so orphans' zombies are not reaped.
    case notReaping = "not_reaping"
    /// -P could not change to '/'.
    case pauseDirectoryFailed = "pause_directory_failed"
    /// -P: pause mode started.
    case pauseStarted = "pause_started"
    /// -P: SIGINT or SIGTERM ended pause mode.
    case pauseEnded = "pause_ended"
    /// The child was started.
    case childSpawned = "child_spawned"
    /// The child could not be started or could not execute the program.
    case spawnFailed = "spawn_failed"
    /// The main child ended: `exit_code` or `signal`.
    case childExited = "child_exited"
    /// A signal was passed on to the child as it came.
    case signalForwarded = "signal_forwarded"
    /// A signal was sent in place of one that came (--rewrite, --stop-sequence, its SIGCONT).
    case signalSent = "signal_sent"
    /// A signal could not be sent to the child.
    case signalFailed = "signal_failed"
    /// -P: a signal other than SIGINT or SIGTERM came and was ignored.
    case signalIgnored = "signal_ignored"
    /// --rewrite FROM:0 dropped a signal.
    case signalDropped = "signal_dropped"
    /// --stop-sequence started with a delay: nothing is sent yet.
    case stopHeld = "stop_held"
    /// An adopted orphan was reaped (-w, or -vvv).
    case zombieReaped = "zombie_reaped"
    /// Waiting for signals failed; swinit carries on.
    case waitFailed = "wait_failed"
}
