// The C floors ProcessKit is measured against.
#ifndef CBENCH_H
#define CBENCH_H

#include <stddef.h>

// posix_spawn of `path` (no arguments) and waitpid for it: the floor of spawn+wait. Returns its
// wait status, or -1.
int cbench_posix_spawn_wait(const char *path);

// Spawns `path` with `argument` (posix_spawn, stdout to a pipe) and reads the pipe to its end with a
// plain read() loop of `buffer_size` bytes, discarding what it reads. Returns the bytes read, or -1.
long long cbench_read_loop(const char *path, const char *argument, size_t buffer_size);

// The same loop keeping what it reads, in one buffer grown by doubling with realloc (what capturing
// into memory costs at the least). Returns the bytes read, or -1.
long long cbench_read_loop_keeping(const char *path, const char *argument, size_t buffer_size);

// Makes `gibibytes` GiB of this process resident (allocated and written). Returns 0, or -1.
int cbench_make_resident(int gibibytes);

#endif
