// Process-wide settings a tool changes about itself, which need prctl (variadic).
#pragma once

/// Stops this process from dumping core (prctl PR_SET_DUMPABLE 0, which also keeps a core_pattern
/// pipe from being run for it). Returns 0, or -1 with errno.
int pk_disable_core_dumps(void);

/// Child subreaper: orphans below this process are re-parented to it. The setter returns 0, the getter
/// 1 or 0; both -1 with errno.
int pk_set_child_subreaper(int enabled);
int pk_is_child_subreaper(void);

/// The signal this process gets when its parent dies (0: none). The setter returns 0, the getter the
/// signal; both -1 with errno.
int pk_set_parent_death_signal(int signo);
int pk_parent_death_signal(void);
