#define _GNU_SOURCE
#include "cprocesskit_files.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
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

int pk_path_kind(const char *path) {
    struct stat status;
    if (lstat(path, &status) != 0) return errno == ENOENT ? PK_PATH_MISSING : -1;
    if (S_ISREG(status.st_mode)) return PK_PATH_REGULAR;
    return S_ISLNK(status.st_mode) ? PK_PATH_SYMLINK : PK_PATH_OTHER;
}

int pk_owner_and_mode(const char *path, unsigned *owner, unsigned *mode) {
    struct stat status;
    if (stat(path, &status) != 0) return -1;
    *owner = status.st_uid;
    *mode = status.st_mode & 07777;
    return 0;
}

int pk_set_mode(int fd, int mode) { return fchmod(fd, (mode_t)mode); }

long pk_random_bytes(void *buffer, unsigned long count) {
    long got;
    do got = (long)getrandom(buffer, count, GRND_NONBLOCK); while (got < 0 && errno == EINTR);
    return got;
}
