// C side of a started child and its pipes: pidfds, waiting for one child with waitid, opening files
// (open and fcntl are variadic, which Swift cannot call), poll, and a small lock.
#ifndef CPROCESSKIT_CHILD_H
#define CPROCESSKIT_CHILD_H

#include <poll.h>
#include <sys/types.h>

#pragma clang assume_nonnull begin

/// A pidfd for pid (close-on-exec), or -1 with errno (ENOSYS before Linux 5.3).
int pk_pidfd_open(pid_t pid);

/// Sends signo to the process a pidfd refers to; -1 with errno (ESRCH once it has been reaped).
int pk_pidfd_send_signal(int pidfd, int signo);

/// Waits for the one child given by pidfd (when >= 0) or else pid, with waitid: never another child.
/// options are WEXITED plus WNOHANG / WNOWAIT as wanted. Returns 1 with *raw_status set in the form
/// waitpid reports it, 0 when WNOHANG found no change, or -1 with errno (EINTR is returned, not retried).
int pk_wait_child(pid_t pid, int pidfd, int options, int *raw_status);

/// open(2) with a mode, always close-on-exec; -1 with errno.
int pk_open(const char *path, int flags, int mode);

/// 1 when fd is open in this process, 0 when it is not.
int pk_fd_is_open(int fd);

/// Turns O_NONBLOCK on or off; -1 with errno.
int pk_set_nonblocking(int fd, int enabled);

/// A close-on-exec pipe: fds[0] reads, fds[1] writes.
int pk_pipe_cloexec(int fds[_Nonnull 2]);

/// A lock for state shared between threads and held only for a few system calls: an int, 0 when
/// free, taken with an atomic exchange (the thread yields while another holds it). A pthread mutex
/// would cost a static binary kilobytes of code for no gain here.
void pk_lock(int *lock);
void pk_unlock(int *lock);

#pragma clang assume_nonnull end

#endif
