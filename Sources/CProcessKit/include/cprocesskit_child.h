// A started child: its pidfd, waiting for it alone, and decoding the status it ended with.
#pragma once

#include <sys/types.h>
#include <sys/wait.h>

#pragma clang assume_nonnull begin

/// A pidfd for pid (close-on-exec), or -1 with errno (ENOSYS before Linux 5.3).
int pk_pidfd_open(pid_t pid);

/// Sends signo to the process a pidfd refers to; -1 with errno (ESRCH once it has been reaped).
int pk_pidfd_send_signal(int pidfd, int signo);

/// Waits for the one child given by pidfd (when >= 0) or else pid, with waitid: never another child.
/// options are WEXITED plus WNOHANG / WNOWAIT as wanted. Returns 1 with *raw_status set in the form
/// waitpid reports it, 0 when WNOHANG found no change, or -1 with errno (EINTR is returned, not retried).
int pk_wait_child(pid_t pid, int pidfd, int options, int *raw_status);

// Wait-status macros, inline: an init decodes one status per reaped zombie, and a call into the
// C target for each macro cost more than the decoding itself.
static inline int pk_wifexited(int status) { return WIFEXITED(status); }
static inline int pk_wexitstatus(int status) { return WEXITSTATUS(status); }
static inline int pk_wifsignaled(int status) { return WIFSIGNALED(status); }
static inline int pk_wtermsig(int status) { return WTERMSIG(status); }
static inline int pk_wcoredump(int status) { return WCOREDUMP(status) ? 1 : 0; }
static inline int pk_wifstopped(int status) { return WIFSTOPPED(status); }
static inline int pk_wstopsig(int status) { return WSTOPSIG(status); }

#pragma clang assume_nonnull end
