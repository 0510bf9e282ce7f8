#define _GNU_SOURCE
#include "cprocesskit_child.h"

#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif

int pk_pidfd_open(pid_t pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }

int pk_pidfd_send_signal(int pidfd, int signo) {
    return (int)syscall(SYS_pidfd_send_signal, pidfd, signo, NULL, 0);
}

int pk_wait_child(pid_t pid, int pidfd, int options, int *raw_status) {
    siginfo_t info;
    info.si_pid = 0;
    int result = pidfd >= 0 ? waitid((idtype_t)P_PIDFD, (id_t)pidfd, &info, options) : -1;
    // No pidfd, or a kernel with pidfds but without P_PIDFD for waitid (5.2 and 5.3): by pid.
    if (pidfd < 0 || (result != 0 && errno == EINVAL)) result = waitid(P_PID, (id_t)pid, &info, options);
    if (result != 0) return -1;
    if (info.si_pid == 0) return 0;
    int value = info.si_status;
    switch (info.si_code) {
    case CLD_EXITED: *raw_status = (value & 0xff) << 8; break;
    case CLD_KILLED: *raw_status = value & 0x7f; break;
    case CLD_DUMPED: *raw_status = (value & 0x7f) | 0x80; break;
    case CLD_STOPPED: case CLD_TRAPPED: *raw_status = ((value & 0xff) << 8) | 0x7f; break;
    default: *raw_status = 0xffff; break;  // CLD_CONTINUED
    }
    return 1;
}

int pk_open(const char *path, int flags, int mode) { return open(path, flags | O_CLOEXEC, mode); }

// fcntl straight to the kernel, as in spawn.c: the C library's wrapper is large for what is used here.
int pk_fd_is_open(int fd) { return syscall(SYS_fcntl, fd, F_GETFD) != -1 || errno != EBADF; }

int pk_set_nonblocking(int fd, int enabled) {
    long flags = syscall(SYS_fcntl, fd, F_GETFL);
    if (flags < 0) return -1;
    return (int)syscall(SYS_fcntl, fd, F_SETFL, enabled ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK));
}

int pk_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

void pk_lock(int *lock) {
    while (__atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE) != 0) sched_yield();
}

void pk_unlock(int *lock) { __atomic_store_n(lock, 0, __ATOMIC_RELEASE); }
