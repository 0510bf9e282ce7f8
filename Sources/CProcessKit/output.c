#define _GNU_SOURCE
#include "cprocesskit.h"

#include <pthread.h>

// A write to a pipe with no reader raises SIGPIPE in the writing thread. A supervisor keeps SIGPIPE
// blocked and takes signals with sigtimedwait, so this one would wait there and be taken (and passed
// to the child) as if someone had sent it. Take it now instead; one that another process sent
// meanwhile is sent back to this process, so it is not lost.
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
