// C side of starting a process: a vfork-style child (clone with CLONE_VM|CLONE_VFORK on its own
// stack) that sets itself up and execs. The child shares the parent's memory until exec, so it
// makes system calls only (async-signal-safe, no locks, no allocation) and reports a failure by
// writing the step and errno into the parent's pk_spawn_outcome.
#pragma once

#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#pragma clang assume_nonnull begin

/// One resource limit for the child (setrlimit): resource is an RLIMIT_* number; RLIM_INFINITY
/// (all bits set) is no limit.
typedef struct {
    int resource;
    uint64_t soft;
    uint64_t hard;
} pk_resource_limit;

/// The RLIMIT_* numbers, as ints in every C library (glibc declares them as an enum type of its own).
enum : int {
    PK_RLIMIT_CPU = RLIMIT_CPU,
    PK_RLIMIT_FSIZE = RLIMIT_FSIZE,
    PK_RLIMIT_DATA = RLIMIT_DATA,
    PK_RLIMIT_STACK = RLIMIT_STACK,
    PK_RLIMIT_CORE = RLIMIT_CORE,
    PK_RLIMIT_RSS = RLIMIT_RSS,
    PK_RLIMIT_NPROC = RLIMIT_NPROC,
    PK_RLIMIT_NOFILE = RLIMIT_NOFILE,
    PK_RLIMIT_MEMLOCK = RLIMIT_MEMLOCK,
    PK_RLIMIT_AS = RLIMIT_AS,
    PK_RLIMIT_LOCKS = RLIMIT_LOCKS,
    PK_RLIMIT_SIGPENDING = RLIMIT_SIGPENDING,
    PK_RLIMIT_MSGQUEUE = RLIMIT_MSGQUEUE,
    PK_RLIMIT_NICE = RLIMIT_NICE,
    PK_RLIMIT_RTPRIO = RLIMIT_RTPRIO,
    PK_RLIMIT_RTTIME = RLIMIT_RTTIME,
};

/// What the child does between clone and exec, in this order: session or process group, terminal
/// foreground, standard streams and the other fds, signal dispositions, resource limits, umask,
/// supplementary groups, group id, user id, parent death signal, working directory, signal mask,
/// exec. Every signal stays blocked until that last mask is set.
///
/// The limits come before the user id, so that root can still raise a hard limit for a child it
/// drops; the groups, then the group id, then the user id, because once the user id is dropped the
/// others may no longer be changed; the parent death signal after them, because the kernel clears
/// it when the credentials change; the working directory last, entered as the child's own user.
typedef struct {
    const char *program;             // a path, or a name to look for in search_path
    const char *_Nullable search_path;  // NULL: run program as a path; else a PATH to search (like execvp)
    char *_Nullable const *_Nonnull argv;        // NULL-terminated
    char *_Nullable const *_Nonnull envp;        // NULL-terminated
    // argv for /bin/sh when a candidate has no #! line (ENOEXEC): the child fills in "/bin/sh" and the
    // candidate, argv[1...] follow; room for the argument count + 2 pointers.
    char *_Nullable *_Nonnull shell_argv;
    const char *_Nullable working_directory;     // NULL: keep the parent's
    int process_group;               // -1 keep, 0 a new group led by the child, >0 join that group
    int new_session;                 // nonzero: setsid() (process_group is then ignored)
    int foreground_terminal;         // -1 none; else make the child's group the foreground of this tty
    int parent_death_signal;         // 0 none
    // Where the child's fd 0, 1 and 2 come from: -1 keeps what the parent has there; else this fd is
    // dup2'd into place (or kept if it is that fd already).
    int stream_sources[3];
    const int *_Nullable kept_fds;   // fds >= 3 that stay open in the child (sorted ascending, no repeats)
    int kept_fd_count;
    int keep_all_fds;                // nonzero: fds that are not close-on-exec all stay open
    // Signal sets hold signal n in bit n-1, as the kernel's do.
    int inherit_signal_mask;         // nonzero: the calling thread's mask; else signal_mask
    uint64_t signal_mask;
    int keep_ignored_signals;        // nonzero: signals this process ignores stay ignored in the child
    uint64_t default_signals;        // set to SIG_DFL in the child
    uint64_t ignored_signals;        // set to SIG_IGN in the child (wins over default_signals)
    const pk_resource_limit *_Nullable resource_limits;  // set in order
    int resource_limit_count;
    int umask;                       // -1 keeps the parent's; else the child's file mode creation mask
    // Supplementary groups: with set_groups, exactly these (none when group_count is 0). Without it,
    // a child whose user id is set gets none when the parent may change them (a root parent's groups
    // would otherwise stay with a child it drops), and keeps the parent's when it may not (EPERM).
    int set_groups;
    const uint32_t *_Nullable groups;
    int group_count;
    int64_t group_id;                // -1 keeps the parent's; else setgid
    int64_t user_id;                 // -1 keeps the parent's; else setuid
} pk_spawn_attributes;

/// The steps of a spawn that can fail, in pk_spawn_outcome.failed_step (SpawnError.Step's raw values).
enum : int {
    PK_SPAWN_STEP_FORK = 1,
    PK_SPAWN_STEP_SESSION,
    PK_SPAWN_STEP_PROCESS_GROUP,
    PK_SPAWN_STEP_FOREGROUND,
    PK_SPAWN_STEP_PARENT_DEATH_SIGNAL,
    PK_SPAWN_STEP_SIGNALS,
    PK_SPAWN_STEP_WORKING_DIRECTORY,
    PK_SPAWN_STEP_EXEC,
    PK_SPAWN_STEP_FILE_DESCRIPTORS,
    PK_SPAWN_STEP_RESOURCE_LIMITS,
    PK_SPAWN_STEP_GROUPS,
    PK_SPAWN_STEP_GROUP_ID,
    PK_SPAWN_STEP_USER_ID,
    PK_SPAWN_STEP_REPORT_PIPE,   // the pipe a forked child reports a failure through (before fork)
    PK_SPAWN_STEP_CHILD_STACK,   // the stack of a vfork-style child (before clone)
};

/// How a spawn went: pid and pidfd of a running child, or the failing step and errno.
typedef struct {
    pid_t pid;           // the running child; 0 when it failed
    int pidfd;           // its pidfd (close-on-exec), -1 when the kernel has none
    int failed_step;     // 0 when it started, else a PK_SPAWN_STEP_*
    int error;           // errno of the failed step
    pid_t failed_child;  // the pid of a child whose set-up or exec failed (already reaped), else 0
    int failed_resource; // PK_SPAWN_STEP_RESOURCE_LIMITS: the RLIMIT_* number of the limit refused
} pk_spawn_outcome;

/// Starts the child. Returns 0 with outcome->pid (and pidfd) set, or -1 with the step and errno in
/// outcome; a child whose set-up or exec failed has been reaped by then. Safe to call from many
/// threads at once; every signal is blocked in the calling thread for the duration of the clone.
/// A SIGCHLD this process ignores is set back to its default action first (SA_NOCLDWAIT cleared),
/// so that the kernel leaves the child's status for its wait, as GNU timeout does.
int pk_spawn(const pk_spawn_attributes *attributes, pk_spawn_outcome *outcome);

#pragma clang assume_nonnull end
