// File descriptors and files, where open and fcntl are variadic (Swift cannot call them).
#pragma once

#pragma clang assume_nonnull begin

/// open(2) with a mode, always close-on-exec; -1 with errno.
int pk_open(const char *path, int flags, int mode);

/// 1 when fd is open in this process, 0 when it is not.
int pk_fd_is_open(int fd);

/// Turns O_NONBLOCK on or off; -1 with errno.
int pk_set_nonblocking(int fd, int enabled);

/// A close-on-exec pipe: bytes written to fds[1] come out of fds[0]. Returns 0, or -1 with errno.
int pk_pipe_cloexec(int fds[_Nonnull 2]);

/// A close-on-exec duplicate of fd (F_DUPFD_CLOEXEC), or -1 with errno.
int pk_dup_cloexec(int fd);

/// write(2) that never waits: the count written (possibly short), or -1 with errno, EAGAIN when the fd
/// cannot take the bytes now. It never changes the fd's file description, which a child may share
/// (O_NONBLOCK on it would make the child's own writes fail): pwritev2 with RWF_NOWAIT where the
/// kernel has it for the fd (pipes, sockets); send with MSG_DONTWAIT for a socket; a regular file or a
/// block device is written as usual (it never waits for a reader); anything else (a terminal, or a pipe
/// on a kernel without RWF_NOWAIT for pipes) through a new non-blocking file description of the same
/// file, opened from /proc/self/fd; where that fails, only when poll says it is writable.
long pk_write_without_blocking(int fd, const void *bytes, unsigned long count);

/// Makes a pipe hold at least `size` bytes (F_SETPIPE_SZ): the capacity it now has, or -1 with errno
/// (EPERM past /proc/sys/fs/pipe-max-size, or once the user's pipes use pipe-user-pages-soft).
int pk_set_pipe_size(int fd, int size);

/// Closes every fd from low to high (inclusive): close_range, or before Linux 5.9 one close per fd up
/// to the fd limit. System calls only, so the spawned child calls it too, between clone and exec.
void pk_close_range(unsigned int low, unsigned int high);

/// What is at a path, without following a final symbolic link (lstat): for a file that must be
/// replaced, never written through.
enum {
    PK_PATH_MISSING = 0,
    PK_PATH_REGULAR = 1,
    PK_PATH_SYMLINK = 2,
    /// A directory, FIFO, device or socket.
    PK_PATH_OTHER = 3,
};

/// lstat(2) of path as a PK_PATH_ value; -1 with errno when lstat fails other than with ENOENT.
int pk_path_kind(const char *path);

/// stat(2) of path (following symbolic links): its owner's uid and its mode bits (permissions,
/// set-id and sticky: st_mode & 07777). Returns 0, or -1 with errno.
int pk_owner_and_mode(const char *path, unsigned *owner, unsigned *mode);

/// fchmod(2): sets the permission bits of an open file, whatever the umask.
int pk_set_mode(int fd, int mode);

/// getrandom(2) with GRND_NONBLOCK: fills buffer and returns count, or -1 with errno (EAGAIN while
/// the kernel's pool is not yet initialised, early in boot). Never waits.
long pk_random_bytes(void *buffer, unsigned long count);

#pragma clang assume_nonnull end
