#define _GNU_SOURCE
#include "cprocesskit_files.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

int pk_open(const char *path, int flags, int mode) { return open(path, flags | O_CLOEXEC, mode); }

// fcntl straight to the kernel, as in spawn.c: the C library's wrapper is large for what is used here.
int pk_fd_is_open(int fd) { return syscall(SYS_fcntl, fd, F_GETFD) != -1 || errno != EBADF; }

int pk_set_nonblocking(int fd, int enabled) {
    long flags = syscall(SYS_fcntl, fd, F_GETFL);
    if (flags < 0) return -1;
    return (int)syscall(SYS_fcntl, fd, F_SETFL, enabled ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK));
}

int pk_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

int pk_dup_cloexec(int fd) { return (int)syscall(SYS_fcntl, fd, F_DUPFD_CLOEXEC, 0); }
