#include "cbench.h"

#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int cbench_posix_spawn_wait(const char *path) {
    char *argv[] = { (char *)path, NULL };
    pid_t pid;
    if (posix_spawn(&pid, path, NULL, NULL, argv, environ) != 0) return -1;
    int status;
    if (waitpid(pid, &status, 0) != pid) return -1;
    return status;
}

static long long read_loop(const char *path, const char *argument, size_t buffer_size, int keep) {
    int fds[2];
    if (pipe(fds) != 0) return -1;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    posix_spawn_file_actions_addclose(&actions, fds[1]);
    char *argv[] = { (char *)path, (char *)argument, NULL };
    pid_t pid;
    int failed = posix_spawn(&pid, path, &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    if (failed) { close(fds[0]); return -1; }
    size_t capacity = buffer_size;
    char *buffer = malloc(capacity);
    long long total = 0;
    for (;;) {
        if (keep && capacity - (size_t)total < buffer_size) {
            capacity *= 2;
            buffer = realloc(buffer, capacity);
        }
        ssize_t count = read(fds[0], keep ? buffer + total : buffer, buffer_size);
        if (count > 0) { total += count; continue; }
        if (count == 0) break;
        total = -1;
        break;
    }
    free(buffer);
    close(fds[0]);
    int status;
    waitpid(pid, &status, 0);
    return total;
}

long long cbench_read_loop(const char *path, const char *argument, size_t buffer_size) {
    return read_loop(path, argument, buffer_size, 0);
}

long long cbench_read_loop_keeping(const char *path, const char *argument, size_t buffer_size) {
    return read_loop(path, argument, buffer_size, 1);
}

int cbench_make_resident(int gibibytes) {
    for (int index = 0; index < gibibytes; index++) {
        char *block = malloc(1UL << 30);
        if (block == NULL) return -1;
        memset(block, 1, 1UL << 30);
    }
    return 0;
}
