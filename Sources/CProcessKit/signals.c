#define _GNU_SOURCE
#include "cprocesskit_signals.h"

#include <errno.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

// Real-time signals are numbered from 34 as glibc numbers them, which tini's messages and `kill -l`
// show, in the musl static binaries too, whose own SIGRTMIN is 35: SIGRTMIN+3 is signal 37 in both.
int pk_sigrtmin(void) { return 34; }
int pk_sigrtmax(void) { return SIGRTMAX; }

// Both through the kernel's rt_sigaction: musl's sigaction() refuses its internal signals 32-34,
// and 34 is glibc's SIGRTMIN, which a static supervisor may inherit ignored and must set back.
int pk_signal_disposition(int signo) {
    void (*current)(int) = SIG_DFL;
    if (pk_kernel_sigaction(signo, NULL, &current) != 0) return -1;
    if (current == SIG_DFL) return 0;
    if (current == SIG_IGN) return 1;
    return 2;
}

int pk_set_signal_disposition(int signo, int disposition) {
    void (*handler)(int) = disposition == 1 ? SIG_IGN : SIG_DFL;
    return (int)pk_kernel_sigaction(signo, &handler, NULL);
}

long pk_kernel_sigprocmask(int how, const uint64_t *set, uint64_t *old) {
    return syscall(SYS_rt_sigprocmask, how, set, old, sizeof(uint64_t));
}

long pk_kernel_sigaction(int signo, void (*const *new_handler)(int), void (**old_handler)(int)) {
    // The kernel's struct sigaction starts with the handler (x86-64, arm64, riscv); the flags, restorer
    // and 64-bit mask after it fit in the other words. Zeroed apart from the handler, it asks for
    // SIG_DFL or SIG_IGN plainly.
    unsigned long action[4] = { 0 }, previous[4] = { 0 };
    if (new_handler) action[0] = (unsigned long)*new_handler;
    long result = syscall(SYS_rt_sigaction, signo, new_handler ? action : NULL, old_handler ? previous : NULL, 8);
    if (result == 0 && old_handler) *old_handler = (void (*)(int))previous[0];
    return result;
}

uint64_t pk_ignored_signals(void) {
    uint64_t ignored = 0;
    for (int signo = 1; signo <= 64; signo++) {
        void (*handler)(int) = SIG_DFL;
        if (pk_kernel_sigaction(signo, NULL, &handler) == 0 && handler == SIG_IGN) ignored |= 1ULL << (signo - 1);
    }
    return ignored;
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

// A SIGPIPE that another process sent meanwhile is sent back to this process, so it is not lost.
void pk_discard_own_sigpipe(void) {
    int saved = errno;
    sigset_t blocked, pipe_only;
    if (pthread_sigmask(SIG_BLOCK, NULL, &blocked) == 0 && sigismember(&blocked, SIGPIPE) == 1) {
        sigemptyset(&pipe_only);
        sigaddset(&pipe_only, SIGPIPE);
        struct timespec zero = { 0, 0 };
        siginfo_t info;
        if (sigtimedwait(&pipe_only, &info, &zero) == SIGPIPE && info.si_pid != getpid()) kill(getpid(), SIGPIPE);
    }
    errno = saved;
}
