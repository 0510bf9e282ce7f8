// spawnloop: wall time of whole runs of several commands, interleaved.
// usage: spawnloop RUNS CMD1 ARGS... :: CMD2 ARGS... :: ...
// Each run starts the command as PID 1 of a fresh PID namespace (clone(CLONE_NEWPID)), with
// stdout/stderr on /dev/null, and times fork-to-reap with CLOCK_MONOTONIC. Rounds rotate the
// order of the commands so that none always runs first. Prints one line per command:
// "INDEX MEDIAN_NS P99_NS MIN_NS".
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "timing.h"


int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: spawnloop RUNS CMD... [:: CMD...]\n"); return 2; }
    int runs = atoi(argv[1]);
    char **cmds[64]; int ncmd = 0;
    cmds[ncmd++] = &argv[2];
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], "::") == 0) { argv[i] = NULL; if (i + 1 < argc) cmds[ncmd++] = &argv[i + 1]; }
    long long *t = calloc((size_t)runs * ncmd, sizeof *t);
    int devnull = open("/dev/null", O_RDWR);
    for (int r = 0; r < runs; r++) {
        for (int k = 0; k < ncmd; k++) {
            int c = (k + r) % ncmd;
            long long t0 = now_ns();
            pid_t pid = (pid_t)syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, 0, 0, 0, 0);
            if (pid < 0) { perror("clone"); return 1; }
            if (pid == 0) {
                dup2(devnull, 0); dup2(devnull, 1); dup2(devnull, 2);
                execv(cmds[c][0], cmds[c]);
                _exit(127);
            }
            int st;
            if (waitpid(pid, &st, 0) < 0) { perror("waitpid"); return 1; }
            t[(size_t)c * runs + r] = now_ns() - t0;
            if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
                fprintf(stderr, "spawnloop: %s failed (status %d)\n", cmds[c][0], st);
                return 1;
            }
        }
    }
    for (int c = 0; c < ncmd; c++) {
        long long *v = &t[(size_t)c * runs];
        qsort(v, runs, sizeof *v, compare_ns);
        printf("%d %lld %lld %lld\n", c, v[runs / 2], v[(runs * 99) / 100 < runs ? (runs * 99) / 100 : runs - 1], v[0]);
    }
    return 0;
}
