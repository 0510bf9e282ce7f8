// Process-wide settings a tool changes about itself, which need prctl (variadic).
#pragma once

/// Stops this process from dumping core (prctl PR_SET_DUMPABLE 0, which also keeps a core_pattern
/// pipe from being run for it). Returns 0, or -1 with errno.
int pk_disable_core_dumps(void);

/// Makes this process a child subreaper (or not): orphans below it are re-parented to it.
/// Returns 0, or -1 with errno.
int pk_set_child_subreaper(int enabled);

/// 1 when this process is a child subreaper, 0 when not, -1 with errno.
int pk_is_child_subreaper(void);

/// The signal this process gets when its parent dies (0: none). Returns 0, or -1 with errno.
int pk_set_parent_death_signal(int signo);

/// The parent death signal set for this process (0: none), or -1 with errno.
int pk_parent_death_signal(void);
