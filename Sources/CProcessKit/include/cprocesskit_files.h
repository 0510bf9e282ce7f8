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

/// Closes every fd from low to high (inclusive): close_range, or before Linux 5.9 one close per fd up
/// to the fd limit. System calls only, so the spawned child calls it too, between clone and exec.
void pk_close_range(unsigned int low, unsigned int high);

#pragma clang assume_nonnull end
