// C side of ProcessKit: the few libc pieces Swift cannot call directly (macros, variadic
// functions, errno, siginfo unions) and the child-side fork/exec setup, which must stay
// async-signal-safe and so is written in C.
#ifndef CPROCESSKIT_H
#define CPROCESSKIT_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cprocesskit_events.h"
#include "cprocesskit_files.h"
#include "cprocesskit_process_control.h"

// errno, which Embedded Swift cannot reach as a macro.
int pk_errno(void);

// strerror() in glibc's wording, whichever libc is linked (errno_text.c).
const char *pk_strerror(int error);

// The process's argc/argv/environ, captured before main (Embedded Swift has no CommandLine).
int pk_argc(void);
char *const *pk_argv(void);
char *const *pk_environ(void);

// Signal numbers glibc computes at run time.
int pk_sigrtmin(void);
int pk_sigrtmax(void);

// Wait-status macros, inline: an init decodes one status per reaped zombie, and a call into the
// C target for each macro cost more than the decoding itself.
static inline int pk_wifexited(int status) { return WIFEXITED(status); }
static inline int pk_wexitstatus(int status) { return WEXITSTATUS(status); }
static inline int pk_wifsignaled(int status) { return WIFSIGNALED(status); }
static inline int pk_wtermsig(int status) { return WTERMSIG(status); }
static inline int pk_wcoredump(int status) { return WCOREDUMP(status) ? 1 : 0; }
static inline int pk_wifstopped(int status) { return WIFSTOPPED(status); }
static inline int pk_wstopsig(int status) { return WSTOPSIG(status); }

// Signal dispositions: 0 default, 1 ignore, 2 handled by a function.
int pk_signal_disposition(int signo);
int pk_set_signal_disposition(int signo, int disposition);

// The signals 1...64 whose disposition is SIG_IGN, signal n as bit n-1, including those the C library
// keeps for itself. One rt_sigaction system call per signal, made directly: the C library's sigaction()
// costs several times the call itself, and a supervisor asks about every signal as it starts.
uint64_t pk_ignored_signals(void);

// sigtimedwait with a relative timeout in nanoseconds (negative: wait forever).
// Returns the signal number, or -1 with errno (EAGAIN on timeout, EINTR).
int pk_wait_for_signal(const sigset_t *set, long long timeout_ns, int *sender_pid, int *code, int *value);

// prctl wrappers (prctl is variadic).
int pk_set_child_subreaper(int enabled);
int pk_is_child_subreaper(void);
int pk_set_parent_death_signal(int signo);
int pk_parent_death_signal(void);

// After a write failed with EPIPE: takes the SIGPIPE it raised in this thread if SIGPIPE is blocked,
// so a supervisor waiting for signals does not mistake it for one sent to it. Keeps errno.
void pk_discard_own_sigpipe(void);

// Monotonic clock in nanoseconds.
long long pk_monotonic_ns(void);

#endif
