#define _GNU_SOURCE
#include "cprocesskit_files.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#ifndef RWF_NOWAIT
#define RWF_NOWAIT 0x00000008
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif

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

long pk_write_without_blocking(int fd, const void *bytes, unsigned long count) {
    struct iovec vector = { (void *)bytes, count };
    long offset = -1;  // "the current position": pwritev2 acts like writev
    long written;
    do {
        // The offset in two halves, as the kernel takes it on every architecture.
        written = syscall(SYS_pwritev2, fd, &vector, 1, offset, (long)((unsigned long long)offset >> 32), RWF_NOWAIT);
    } while (written < 0 && errno == EINTR);
    if (written >= 0 || (errno != EOPNOTSUPP && errno != ENOSYS && errno != EINVAL)) return written;

    struct stat status;
    if (fstat(fd, &status) != 0) return -1;
    if (S_ISREG(status.st_mode) || S_ISBLK(status.st_mode)) {
        do { written = write(fd, bytes, count); } while (written < 0 && errno == EINTR);
        return written;
    }
    if (S_ISSOCK(status.st_mode)) {
        do { written = send(fd, bytes, count, MSG_DONTWAIT | MSG_NOSIGNAL); } while (written < 0 && errno == EINTR);
        return written;
    }
    // "/proc/self/fd/N" by hand: snprintf would link the C library's whole formatter.
    char path[32] = "/proc/self/fd/", digits[12];
    int length = 0, end = 14;
    unsigned number = (unsigned)fd;
    do { digits[length++] = (char)('0' + number % 10); number /= 10; } while (number > 0);
    while (length > 0) path[end++] = digits[--length];
    path[end] = 0;
    int own = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (own >= 0) {
        do { written = write(own, bytes, count); } while (written < 0 && errno == EINTR);
        int error = errno;
        close(own);
        errno = error;
        return written;
    }
    struct pollfd ready = { .fd = fd, .events = POLLOUT };
    if (poll(&ready, 1, 0) != 1 || !(ready.revents & POLLOUT)) {
        errno = EAGAIN;
        return -1;
    }
    do { written = write(fd, bytes, count); } while (written < 0 && errno == EINTR);
    return written;
}

int pk_set_pipe_size(int fd, int size) { return (int)syscall(SYS_fcntl, fd, F_SETPIPE_SZ, size); }

void pk_close_range(unsigned int low, unsigned int high) {
    if (low > high) return;
    if (syscall(SYS_close_range, low, high, 0) == 0) return;
    // Before Linux 5.9: one close per fd up to the fd limit (prlimit64 directly, as for fcntl).
    unsigned long long limit[2];
    unsigned int last = high;
    if (syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, limit) == 0 && limit[0] - 1 < last) last = (unsigned int)(limit[0] - 1);
    for (unsigned int fd = low; fd <= last; fd++) close((int)fd);
}

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
