#define _GNU_SOURCE
#include "cprocesskit_spawn.h"
#include "cprocesskit_child.h"
#include "cprocesskit_files.h"
#include "cprocesskit_signals.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif

// The kernel's signal set is 64 bits on every Linux architecture we build for.
#define KERNEL_SIGSET_SIZE 8
#define KERNEL_SIGNAL_COUNT 64

// The sanitizer runtimes cannot follow a child that shares the parent's memory on a stack of its own:
// ThreadSanitizer's clone interceptor stops the process, and AddressSanitizer warns on the child's
// standard error when it exits from that stack. Sanitized builds start a plain forked child instead,
// which reports a failure through a close-on-exec pipe rather than through memory.
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
#  define PK_SPAWN_FORKS 1
#endif

// Big enough for the child's own frames (it makes system calls only, no recursion, no large locals).
#define CHILD_STACK_SIZE (64 * 1024)

/// What the child needs, and where it reports a failure: the parent is suspended until the child
/// execs or exits (CLONE_VFORK), and reads the report afterwards from its own memory (CLONE_VM).
struct child_context {
    const pk_spawn_attributes *attributes;
    uint64_t parent_mask;  // the calling thread's mask before every signal was blocked
    pid_t parent;
    volatile int failed_step;
    volatile int error;
    volatile int failed_resource;  // the RLIMIT_* a failed setrlimit was for
    int report_fd;  // -1, or the pipe a forked child reports a failure to
};

// fcntl straight to the kernel: the C library's wrapper (variadic, with special cases for commands
// not used here) costs a static binary more than this whole file's use of it.
static int fd_control(int fd, int command, long argument) { return (int)syscall(SYS_fcntl, fd, command, argument); }

static long set_disposition(int signo, void (*handler)(int)) { return pk_kernel_sigaction(signo, &handler, NULL); }

static void (*current_disposition(int signo))(int) {
    void (*handler)(int) = SIG_DFL;
    pk_kernel_sigaction(signo, NULL, &handler);
    return handler;
}

// A process that ignores SIGCHLD (or asked for SA_NOCLDWAIT) has its children reaped by the kernel
// as they end, and their status is lost: a wait for one ends in ECHILD. As GNU timeout does, SIGCHLD
// is set back to its default action (or SA_NOCLDWAIT cleared, the handler kept) before a child
// starts, so that its wait gets the real status. Flags are the word after the handler on every
// architecture built for.
static void keep_children_for_waiting(void) {
    unsigned long action[4] = { 0 };
    if (syscall(SYS_rt_sigaction, SIGCHLD, NULL, action, KERNEL_SIGSET_SIZE) != 0) return;
    if (action[0] == (unsigned long)SIG_IGN) {
        set_disposition(SIGCHLD, SIG_DFL);
    } else if (action[1] & SA_NOCLDWAIT) {
        action[1] &= ~(unsigned long)SA_NOCLDWAIT;
        syscall(SYS_rt_sigaction, SIGCHLD, action, NULL, KERNEL_SIGSET_SIZE);
    }
}

static int in_set(uint64_t set, int signo) { return (set >> (signo - 1)) & 1; }

__attribute__((noreturn)) static void child_fail(struct child_context *context, int step) {
    context->error = errno;
    context->failed_step = step;
    if (context->report_fd >= 0) {
        int report[3] = { step, context->error, context->failed_resource };
        ssize_t ignored = write(context->report_fd, report, sizeof report);
        (void)ignored;
    }
    _exit(127);
}

// Every signal at its default action, except those asked to be ignored (and, with
// keep_ignored_signals, those this process ignores). A handler of the parent is never left in place:
// the child shares the parent's memory, and once its mask is set a handler could run in it.
static int child_reset_dispositions(const pk_spawn_attributes *a) {
    for (int signo = 1; signo <= KERNEL_SIGNAL_COUNT; signo++) {
        if (signo == SIGKILL || signo == SIGSTOP) continue;
        void (*wanted)(int) = SIG_DFL;
        if (in_set(a->ignored_signals, signo)) {
            wanted = SIG_IGN;
        } else if (a->keep_ignored_signals && !in_set(a->default_signals, signo)
                   && current_disposition(signo) == SIG_IGN) {
            continue;
        }
        // EINVAL: a number this kernel does not have.
        if (set_disposition(signo, wanted) != 0 && errno != EINVAL) return -1;
    }
    return 0;
}

// Closes fds low...high except `spared` (the report pipe of a forked child, or -1).
static void child_close_range_sparing(unsigned int low, unsigned int high, int spared) {
    if (spared >= 0 && (unsigned int)spared >= low && (unsigned int)spared <= high) {
        if ((unsigned int)spared > low) pk_close_range(low, (unsigned int)spared - 1);
        if ((unsigned int)spared < high) pk_close_range((unsigned int)spared + 1, high);
    } else {
        pk_close_range(low, high);
    }
}

// fds 0-2 from their sources, the kept fds without close-on-exec, every other fd but `spared` closed.
static int child_arrange_fds(const pk_spawn_attributes *a, int spared) {
    // First move every source out of the way (a source may be another stream's target: stdout to fd 0).
    int moved[3];
    for (int target = 0; target < 3; target++) {
        int source = a->stream_sources[target];
        moved[target] = -1;
        if (source < 0 || source == target) continue;
        moved[target] = fd_control(source, F_DUPFD_CLOEXEC, 3);
        if (moved[target] < 0) return -1;
    }
    for (int target = 0; target < 3; target++) {
        int source = a->stream_sources[target];
        if (source == target) {
            if (fd_control(target, F_SETFD, 0) != 0) return -1;
        } else if (moved[target] >= 0) {
            if (dup2(moved[target], target) < 0) return -1;
        }
    }
    unsigned int next = 3;
    for (int index = 0; index < a->kept_fd_count; index++) {
        int fd = a->kept_fds[index];
        if (fd_control(fd, F_SETFD, 0) != 0) return -1;
        if ((unsigned int)fd > next && !a->keep_all_fds) child_close_range_sparing(next, (unsigned int)fd - 1, spared);
        next = (unsigned int)fd + 1;
    }
    if (!a->keep_all_fds) child_close_range_sparing(next, ~0U, spared);
    return 0;
}

// The identity and limits go straight to the kernel. The C library's setuid, setgid, setgroups (and
// musl's setrlimit) change every thread of the calling process, signalling each one; this child
// shares the parent's memory, and with it the parent's list of threads, which would be changed instead.
// Each call changes only the calling process here (prlimit64 with pid 0: this process).

// Resource limits in order; on failure, which one failed is noted in the context.
static int child_set_limits(const pk_spawn_attributes *a, struct child_context *context) {
    for (int index = 0; index < a->resource_limit_count; index++) {
        const pk_resource_limit *limit = &a->resource_limits[index];
        unsigned long long wanted[2] = { limit->soft, limit->hard };
        if (syscall(SYS_prlimit64, 0, limit->resource, wanted, NULL) != 0) {
            context->failed_resource = limit->resource;
            return -1;
        }
    }
    return 0;
}

// Supplementary groups, group id, user id, in that order; returns the failed step, or 0.
static int child_set_identity(const pk_spawn_attributes *a) {
    if (a->set_groups) {
        if (syscall(SYS_setgroups, a->group_count, a->groups) != 0) return PK_SPAWN_STEP_GROUPS;
    } else if (a->user_id >= 0) {
        if (syscall(SYS_setgroups, 0, NULL) != 0 && errno != EPERM) return PK_SPAWN_STEP_GROUPS;
    }
    if (a->group_id >= 0 && syscall(SYS_setgid, (gid_t)a->group_id) != 0) return PK_SPAWN_STEP_GROUP_ID;
    if (a->user_id >= 0 && syscall(SYS_setuid, (uid_t)a->user_id) != 0) return PK_SPAWN_STEP_USER_ID;
    return 0;
}

static int is_directory(const char *path) {
    int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    if (fd < 0) return 0;
    close(fd);
    return 1;
}

// execve of one candidate; returns 1 when the search should go on with the next, 0 when it ends
// (errno says why). A file without a #! line (ENOEXEC) is run by /bin/sh, as execvp does. EACCES
// during a PATH search is remembered and the search goes on, as execvp does, also for a directory
// (a PATH entry joined with the name "." is the directory itself); a directory named by path is
// reported as EISDIR, which says more than execve's EACCES.
static int child_try(const pk_spawn_attributes *a, char *path, int *saw_eacces) {
    execve(path, a->argv, a->envp);
    switch (errno) {
    case EACCES:
        if (a->search_path) {
            *saw_eacces = 1;
            return 1;
        }
        errno = is_directory(path) ? EISDIR : EACCES;  // is_directory's open failed with an errno of its own
        return 0;
    case ENOENT: case ENOTDIR: case ESTALE: case ENODEV: case ETIMEDOUT: case ELOOP: case ENAMETOOLONG:
        return 1;
    case ENOEXEC:
        a->shell_argv[0] = (char *)"/bin/sh";
        a->shell_argv[1] = path;
        execve("/bin/sh", a->shell_argv, a->envp);
        errno = ENOEXEC;
        return 0;
    default:
        return 0;
    }
}

// Runs the program like execvp: by its path, or tried in each directory of the search path in order
// (an empty entry is the current directory); EACCES is remembered while later ones are tried.
static void child_exec(const pk_spawn_attributes *a) {
    int saw_eacces = 0;
    if (!a->search_path) {
        child_try(a, (char *)a->program, &saw_eacces);
        return;
    }
    size_t name_length = strlen(a->program);
    char path[4096 + 256];
    for (const char *entry = a->search_path;; entry++) {
        const char *end = entry;
        while (*end && *end != ':') end++;
        size_t length = (size_t)(end - entry);
        if (length + 1 + name_length < sizeof path) {
            memcpy(path, entry, length);
            if (length > 0) path[length++] = '/';
            memcpy(path + length, a->program, name_length + 1);
            if (!child_try(a, path, &saw_eacces)) return;
        } else {
            errno = ENAMETOOLONG;
        }
        if (!*end) break;
        entry = end;
    }
    if (saw_eacces) errno = EACCES;
}

static int child_main(void *argument) {
    struct child_context *context = argument;
    const pk_spawn_attributes *a = context->attributes;
    if (a->new_session) {
        if (setsid() < 0) child_fail(context, PK_SPAWN_STEP_SESSION);
    } else if (a->process_group >= 0) {
        if (setpgid(0, a->process_group) != 0) child_fail(context, PK_SPAWN_STEP_PROCESS_GROUP);
    }
    // A background group may take the terminal only with SIGTTOU blocked or ignored: it is blocked
    // here, as every signal is until the mask is set just before exec.
    if (a->foreground_terminal >= 0 && tcsetpgrp(a->foreground_terminal, getpgrp()) != 0
        && errno != ENOTTY && errno != ENXIO && errno != EBADF) {
        child_fail(context, PK_SPAWN_STEP_FOREGROUND);
    }
    if (child_arrange_fds(a, context->report_fd) != 0) child_fail(context, PK_SPAWN_STEP_FILE_DESCRIPTORS);
    if (child_reset_dispositions(a) != 0) child_fail(context, PK_SPAWN_STEP_SIGNALS);
    if (child_set_limits(a, context) != 0) child_fail(context, PK_SPAWN_STEP_RESOURCE_LIMITS);
    if (a->umask >= 0) umask((mode_t)a->umask);
    int identity_step = child_set_identity(a);
    if (identity_step != 0) child_fail(context, identity_step);
    if (a->parent_death_signal > 0) {
        if (prctl(PR_SET_PDEATHSIG, a->parent_death_signal, 0, 0, 0) != 0)
            child_fail(context, PK_SPAWN_STEP_PARENT_DEATH_SIGNAL);
        if (getppid() != context->parent) kill(getpid(), a->parent_death_signal);
    }
    if (a->working_directory && chdir(a->working_directory) != 0)
        child_fail(context, PK_SPAWN_STEP_WORKING_DIRECTORY);
    uint64_t mask = a->inherit_signal_mask ? context->parent_mask : a->signal_mask;
    if (pk_kernel_sigprocmask(SIG_SETMASK, &mask, NULL) != 0) child_fail(context, PK_SPAWN_STEP_SIGNALS);
    child_exec(a);
    child_fail(context, PK_SPAWN_STEP_EXEC);
}

// Reaps the child that failed, by pid: it has not been reaped yet, so the pid is still its own.
static void reap(pid_t pid) {
    siginfo_t info;
    while (waitid(P_PID, (id_t)pid, &info, WEXITED) != 0 && errno == EINTR) {}
}

#ifdef PK_SPAWN_FORKS
// A forked child: it has its own copy of memory, so a failure comes back through a pipe that exec closes.
static pid_t start_child(struct child_context *context, int *pidfd) {
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) {
        context->failed_step = PK_SPAWN_STEP_REPORT_PIPE;  // no fork was tried: say so, not "fork failed"
        return -1;
    }
    context->report_fd = report[1];
    pid_t pid = fork();
    if (pid == 0) {
        close(report[0]);
        child_main(context);
        _exit(127);
    }
    int fork_error = errno;
    close(report[1]);
    context->report_fd = -1;
    if (pid < 0) {
        close(report[0]);
        errno = fork_error;
        return -1;
    }
    int got[3];
    ssize_t count;
    do {
        count = read(report[0], got, sizeof got);
    } while (count < 0 && errno == EINTR);
    close(report[0]);
    if (count == (ssize_t)sizeof got) {
        context->failed_step = got[0];
        context->error = got[1];
        context->failed_resource = got[2];
    }
    *pidfd = pk_pidfd_open(pid);
    return pid;
}
#else
// A vfork-style child on a stack of its own: the parent is suspended until it execs or exits, so the
// cost does not grow with the parent's memory, and it reports a failure in the parent's memory.
static pid_t start_child(struct child_context *context, int *pidfd) {
    void *stack = mmap(NULL, CHILD_STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) {
        context->failed_step = PK_SPAWN_STEP_CHILD_STACK;  // no clone was tried: say so, not "fork failed"
        return -1;
    }
    char *stack_top = (char *)stack + CHILD_STACK_SIZE;
    int flags = CLONE_VM | CLONE_VFORK | SIGCHLD;
    pid_t pid = clone(child_main, stack_top, flags | CLONE_PIDFD, context, pidfd, NULL, NULL);
    if (pid < 0 && (errno == EINVAL || errno == EMFILE || errno == ENFILE)) {
        // A kernel before 5.2 has no CLONE_PIDFD; pidfd_open (5.3) comes after 5.2 too, so there is none.
        // With no fd left for the pidfd (a full fd table), the child is still started, without one,
        // as on such a kernel: it is waited for by its pid.
        *pidfd = -1;
        pid = clone(child_main, stack_top, flags, context, NULL, NULL, NULL);
    }
    int clone_error = errno;
    munmap(stack, CHILD_STACK_SIZE);
    errno = clone_error;
    return pid;
}
#endif

int pk_spawn(const pk_spawn_attributes *a, pk_spawn_outcome *outcome) {
    *outcome = (pk_spawn_outcome){ .pidfd = -1 };
    keep_children_for_waiting();

    struct child_context context = {
        .attributes = a, .parent = getpid(), .failed_step = 0, .error = 0, .failed_resource = 0, .report_fd = -1,
    };

    // No handler of this process may run in the child, which shares its memory: every signal stays
    // blocked from before the clone until the child has reset its dispositions and set its own mask.
    uint64_t all = ~0ULL;
    pk_kernel_sigprocmask(SIG_SETMASK, &all, &context.parent_mask);
    int pidfd = -1;
    pid_t pid = start_child(&context, &pidfd);
    int clone_error = errno;
    pk_kernel_sigprocmask(SIG_SETMASK, &context.parent_mask, NULL);

    if (pid < 0) {
        outcome->failed_step = context.failed_step != 0 ? context.failed_step : PK_SPAWN_STEP_FORK;
        outcome->error = clone_error;
        return -1;
    }
    if (context.failed_step != 0) {
        reap(pid);
        if (pidfd >= 0) close(pidfd);
        outcome->failed_step = context.failed_step;
        outcome->error = context.error;
        outcome->failed_child = pid;
        outcome->failed_resource = context.failed_resource;
        return -1;
    }
    outcome->pid = pid;
    outcome->pidfd = pidfd;
    return 0;
}
