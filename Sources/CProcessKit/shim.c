#define _GNU_SOURCE
#include "cprocesskit.h"

#include <sys/prctl.h>
#include <sys/syscall.h>

extern char **environ;

static int saved_argc;
static char *const *saved_argv;

#if defined(__GLIBC__)
// glibc passes argc, argv and envp to ELF constructors, static or dynamic.
__attribute__((constructor)) static void pk_capture_arguments(int argc, char **argv, char **envp) {
    (void)envp;
    saved_argc = argc;
    saved_argv = argv;
}
#else
// musl calls constructors without arguments. Before any constructor runs, musl sets environ to the
// kernel's envp, which follows argv's NULL on the initial stack: [argc][argv0..argvN-1][NULL][envp...].
// Walking back from environ, the word n slots before argv's NULL equals n exactly when it is argc
// (every word in between is an argv pointer, never a small integer).
__attribute__((constructor)) static void pk_capture_arguments(void) {
    char **envp = environ;
    if (envp == NULL) return;
    for (long n = 0; n < (1L << 24); n++) {
        if ((unsigned long)envp[-2 - n] == (unsigned long)n) {
            saved_argc = (int)n;
            saved_argv = envp - 1 - n;
            return;
        }
    }
}
#endif

int pk_errno(void) { return errno; }
void pk_set_errno(int value) { errno = value; }
int pk_argc(void) { return saved_argc; }
char *const *pk_argv(void) { return saved_argv; }
char *const *pk_environ(void) { return environ; }

int pk_sigrtmin(void) { return SIGRTMIN; }
int pk_sigrtmax(void) { return SIGRTMAX; }

int pk_signal_disposition(int signo) {
    struct sigaction current;
    if (sigaction(signo, NULL, &current) != 0) return -1;
    if (current.sa_handler == SIG_DFL) return 0;
    if (current.sa_handler == SIG_IGN) return 1;
    return 2;
}

uint64_t pk_ignored_signals(void) {
    uint64_t ignored = 0;
    for (int signo = 1; signo <= 64; signo++) {
        // The kernel's struct sigaction starts with the handler (x86-64, arm64, riscv); the flags, restorer
        // and 64-bit mask after it fit in the other words.
        unsigned long action[4] = { 0 };
        if (syscall(SYS_rt_sigaction, signo, NULL, action, 8) == 0 && action[0] == (unsigned long)SIG_IGN) {
            ignored |= 1ULL << (signo - 1);
        }
    }
    return ignored;
}

int pk_set_signal_disposition(int signo, int disposition) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = disposition == 1 ? SIG_IGN : SIG_DFL;
    return sigaction(signo, &action, NULL);
}

int pk_wait_for_signal(const sigset_t *set, long long timeout_ns, int *sender_pid, int *code, int *value) {
    siginfo_t info;
    int signo;
    if (timeout_ns < 0) {
        signo = sigwaitinfo(set, &info);
    } else {
        struct timespec timeout = { .tv_sec = timeout_ns / 1000000000LL, .tv_nsec = timeout_ns % 1000000000LL };
        signo = sigtimedwait(set, &info, &timeout);
    }
    if (signo > 0) {
        *sender_pid = info.si_pid;
        *code = info.si_code;
        *value = info.si_value.sival_int;
    }
    return signo;
}

int pk_set_child_subreaper(int enabled) { return prctl(PR_SET_CHILD_SUBREAPER, enabled ? 1 : 0, 0, 0, 0); }

int pk_is_child_subreaper(void) {
    int enabled = 0;
    if (prctl(PR_GET_CHILD_SUBREAPER, &enabled, 0, 0, 0) != 0) return -1;
    return enabled;
}

int pk_set_parent_death_signal(int signo) { return prctl(PR_SET_PDEATHSIG, signo, 0, 0, 0); }

int pk_parent_death_signal(void) {
    int signo = 0;
    if (prctl(PR_GET_PDEATHSIG, &signo, 0, 0, 0) != 0) return -1;
    return signo;
}

int pk_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

long long pk_monotonic_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
}

// ---- Child side of pk_spawn: async-signal-safe calls only. ----

struct spawn_report {
    int step;
    int error;
};

__attribute__((noreturn)) static void child_fail(int report_fd, int step) {
    struct spawn_report report = { step, errno };
    ssize_t ignored = write(report_fd, &report, sizeof report);
    (void)ignored;
    _exit(127);
}

// Tries each candidate like execvp does: EACCES is remembered while later candidates are tried,
// a file without a #! line (ENOEXEC) is run by /bin/sh, other errors end the search.
static void child_exec(const pk_spawn_attributes *a) {
    int saw_eacces = 0;
    for (char *const *candidate = a->candidates; *candidate; candidate++) {
        execve(*candidate, a->argv, a->envp);
        switch (errno) {
        case EACCES:
            saw_eacces = 1;
            continue;
        case ENOENT: case ENOTDIR: case ESTALE: case ENODEV: case ETIMEDOUT: case ELOOP: case ENAMETOOLONG:
            continue;
        case ENOEXEC: {
            int argc = 0;
            while (a->argv[argc]) argc++;
            char *shell_argv[argc + 2];
            shell_argv[0] = (char *)"/bin/sh";
            shell_argv[1] = (char *)*candidate;
            for (int i = 1; i <= argc; i++) shell_argv[i + 1] = a->argv[i];
            execve("/bin/sh", shell_argv, a->envp);
            errno = ENOEXEC;
            return;
        }
        default:
            return;
        }
    }
    if (saw_eacces) errno = EACCES;
}

__attribute__((noreturn)) static void child_main(const pk_spawn_attributes *a, int report_fd, pid_t parent) {
    if (a->new_session) {
        if (setsid() < 0) child_fail(report_fd, PK_SPAWN_STEP_SESSION);
    } else if (a->process_group >= 0) {
        if (setpgid(0, a->process_group) != 0) child_fail(report_fd, PK_SPAWN_STEP_PROCESS_GROUP);
    }
    // Needs SIGTTOU blocked or ignored here, which it is until the mask and dispositions below.
    if (a->foreground_terminal >= 0 && tcsetpgrp(a->foreground_terminal, getpgrp()) != 0
        && errno != ENOTTY && errno != ENXIO && errno != EBADF) {
        child_fail(report_fd, PK_SPAWN_STEP_FOREGROUND);
    }
    if (a->parent_death_signal > 0) {
        if (prctl(PR_SET_PDEATHSIG, a->parent_death_signal, 0, 0, 0) != 0)
            child_fail(report_fd, PK_SPAWN_STEP_PARENT_DEATH_SIGNAL);
        if (getppid() != parent) kill(getpid(), a->parent_death_signal);
    }
    for (int signo = 1; signo < NSIG; signo++) {
        int to_default = a->default_signals && sigismember(a->default_signals, signo) == 1;
        int to_ignore = a->ignored_signals && sigismember(a->ignored_signals, signo) == 1;
        if ((to_default || to_ignore) && pk_set_signal_disposition(signo, to_ignore) != 0)
            child_fail(report_fd, PK_SPAWN_STEP_SIGNALS);
    }
    if (a->working_directory && chdir(a->working_directory) != 0)
        child_fail(report_fd, PK_SPAWN_STEP_WORKING_DIRECTORY);
    if (a->signal_mask && sigprocmask(SIG_SETMASK, a->signal_mask, NULL) != 0)
        child_fail(report_fd, PK_SPAWN_STEP_SIGNALS);
    child_exec(a);
    child_fail(report_fd, PK_SPAWN_STEP_EXEC);
}

pid_t pk_spawn(const pk_spawn_attributes *a, int *failed_step, int *error) {
    pid_t failed_child;
    return pk_spawn_reporting_failed_child(a, failed_step, error, &failed_child);
}

pid_t pk_spawn_reporting_failed_child(const pk_spawn_attributes *a, int *failed_step, int *error,
                                      pid_t *failed_child) {
    *failed_child = 0;
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) {
        *failed_step = PK_SPAWN_STEP_PIPE;
        *error = errno;
        return -1;
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        *failed_step = PK_SPAWN_STEP_FORK;
        *error = errno;
        close(report[0]);
        close(report[1]);
        return -1;
    }
    if (pid == 0) {
        close(report[0]);
        child_main(a, report[1], parent);
    }
    close(report[1]);
    // Also set the group from the parent, so it is in place when pk_spawn returns.
    if (!a->new_session && a->process_group >= 0) {
        setpgid(pid, a->process_group == 0 ? pid : a->process_group);
    }
    struct spawn_report child_report;
    ssize_t got;
    do {
        got = read(report[0], &child_report, sizeof child_report);
    } while (got < 0 && errno == EINTR);
    close(report[0]);
    if (got != (ssize_t)sizeof child_report) return pid; // closed on exec: the program runs
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    *failed_step = child_report.step;
    *error = child_report.error;
    *failed_child = pid;
    return -1;
}
