// restartchild: the child for rebound's restart-latency benchmark. Built static so that little
// runs between exec and main. On start it appends "S <CLOCK_MONOTONIC ns>" to FILE; while fewer
// than COUNT runs have finished it then appends "E <ns>" and exits 1 (a crash, so it is
// restarted); run COUNT+1 just exits 0. Records are fixed width (24 bytes) so the run number is
// the file size / 48.
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "timing.h"

static void record(int fd, char kind, long long t) {
    char line[25];
    snprintf(line, sizeof line, "%c %021lld\n", kind, t);
    if (write(fd, line, 24) != 24) _exit(3);
}

int main(int argc, char **argv) {
    long long start = now_ns();
    if (argc != 3) { fprintf(stderr, "usage: restartchild FILE COUNT\n"); return 2; }
    int fd = open(argv[1], O_WRONLY | O_APPEND | O_CREAT, 0644);
    if (fd < 0) { perror(argv[1]); return 2; }
    struct stat st;
    fstat(fd, &st);
    long long run = st.st_size / 48;
    record(fd, 'S', start);
    if (run >= atoll(argv[2])) return 0;
    record(fd, 'E', now_ns());
    _exit(1);
}
