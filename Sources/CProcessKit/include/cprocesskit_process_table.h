// The process table: listing /proc and reading its small text files, which needs opendir/readdir
// and open(2) (variadic, so Swift cannot call it directly).
#pragma once

#pragma clang assume_nonnull begin

/// Reads at most size - 1 bytes of a small file (such as /proc/PID/stat) into buffer and
/// NUL-terminates it. Returns the number of bytes read, or -1 with errno.
long pk_read_small_file(const char *path, char *buffer, long size);

/// Stores the names of directory entries made only of digits (the pids in /proc) as numbers, at
/// most capacity of them (numbers may be NULL when capacity is 0). Returns how many there are, which
/// may exceed capacity (call again with more room), or -1 with errno.
int pk_list_numeric_entries(const char *directory, int *_Nullable numbers, int capacity);

#pragma clang assume_nonnull end
