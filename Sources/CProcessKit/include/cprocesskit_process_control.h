// Process-wide settings a tool changes about itself, which need prctl (variadic) or per-libc types.
#ifndef CPROCESSKIT_PROCESS_CONTROL_H
#define CPROCESSKIT_PROCESS_CONTROL_H

// Stops this process from dumping core (prctl PR_SET_DUMPABLE 0, which also keeps a core_pattern
// pipe from being run for it). Returns 0, or -1 with errno.
int pk_disable_core_dumps(void);

#endif
