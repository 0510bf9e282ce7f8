// Signals: numbers the C library computes at run time, dispositions, and waiting for blocked signals.
#pragma once

#include <signal.h>
#include <stdint.h>

#pragma clang assume_nonnull begin

/// SIGRTMIN as glibc has it, 34, also where the C library is musl (whose SIGRTMIN is 35); and SIGRTMAX, 64.
int pk_sigrtmin(void);
int pk_sigrtmax(void);

/// A signal's disposition: 0 default, 1 ignored, 2 handled by a function; -1 with errno.
int pk_signal_disposition(int signo);

/// Sets SIG_IGN (disposition 1) or SIG_DFL (anything else). Returns 0, or -1 with errno.
int pk_set_signal_disposition(int signo, int disposition);

/// rt_sigaction straight to the kernel for a plain disposition: sets signo to *new_handler (SIG_DFL or
/// SIG_IGN, no flags, empty mask) when new_handler is not NULL, and stores the previous handler in
/// *old_handler when that is not NULL. Returns 0, or -1 with errno. A system call only, so the spawned
/// child uses it too; the C library's sigaction() costs several times the call itself.
long pk_kernel_sigaction(int signo, void (*_Nonnull const *_Nullable new_handler)(int),
                         void (*_Nonnull *_Nullable old_handler)(int));

/// rt_sigprocmask straight to the kernel, with the set as the kernel's 64 bits (signal n as bit n-1):
/// changes the calling thread's mask by how (SIG_BLOCK, SIG_UNBLOCK, SIG_SETMASK) when set is not NULL,
/// and stores the mask as it was in *old when that is not NULL. Returns 0, or -1 with errno. The C
/// library's sigprocmask() reports no mask bit of its own internal signals, musl's for 32-34, so a
/// static binary's child would lose a blocked SIGRTMIN that it inherited; and a system call only, so
/// the spawned child uses it too.
long pk_kernel_sigprocmask(int how, const uint64_t *_Nullable set, uint64_t *_Nullable old);

/// The signals 1...64 whose disposition is SIG_IGN, signal n as bit n-1, including those the C library
/// keeps for itself. One rt_sigaction system call per signal, made directly: the C library's sigaction()
/// costs several times the call itself, and a supervisor asks about every signal as it starts.
uint64_t pk_ignored_signals(void);

/// sigtimedwait with a relative timeout in nanoseconds (negative: wait forever). Returns the signal
/// number with its sender, si_code and si_value, or -1 with errno (EAGAIN on timeout, EINTR).
int pk_wait_for_signal(const sigset_t *set, long long timeout_ns, int *sender_pid, int *code, int *value);

/// After a write failed with EPIPE: takes the SIGPIPE it raised in this thread if SIGPIPE is blocked,
/// so a supervisor waiting for signals does not mistake it for one sent to it. Keeps errno.
void pk_discard_own_sigpipe(void);

#pragma clang assume_nonnull end
