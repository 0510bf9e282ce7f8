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

long long pk_monotonic_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
}
