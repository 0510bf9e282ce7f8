// zombies: the main child of an init under test, for the reaping benchmark.
// usage: zombies COUNT OUTFILE
// A holder process forks COUNT children that exit at once and stay zombies (the holder does not
// reap them). When every one of them is a zombie, this process opens a pidfd for each, then lets
// the holder record the time and exit, so the kernel re-parents all COUNT zombies to PID 1 (the
// init) in one go. This process reaps the holder and sleeps in poll() on the pidfds until every
// zombie is gone (a pidfd polls POLLHUP once its process has been reaped), i.e. the init has
// reaped them all: it takes no CPU time from the init meanwhile. It writes the handover-to-last-reap
// time and the CPU time the init used over the same span (its CPU clock, read before the handover
// and after the last reap), both in nanoseconds, to OUTFILE.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "timing.h"


// Blocks until `fd` (a pidfd) polls POLLHUP: its process has been reaped.
static void wait_reaped(int fd) {
    struct pollfd entry = { .fd = fd, .events = 0 };
    while (poll(&entry, 1, -1) < 0 || !(entry.revents & POLLHUP)) entry.revents = 0;
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: zombies COUNT OUTFILE\n"); return 2; }
    int n = atoi(argv[1]);
    struct rlimit files = { (rlim_t)n + 64, (rlim_t)n + 64 };
    if (setrlimit(RLIMIT_NOFILE, &files) != 0) { perror("zombies: setrlimit"); return 1; }
    struct shared { long long handover; int failed; pid_t pids[]; } *sh =
        mmap(NULL, sizeof *sh + (size_t)n * sizeof(pid_t), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED) { perror("mmap"); return 1; }
    int ready[2], go[2];
    if (pipe(ready) != 0 || pipe(go) != 0) { perror("pipe"); return 1; }
    pid_t holder = fork();
    if (holder < 0) { perror("fork"); return 1; }
    if (holder == 0) {
        signal(SIGCHLD, SIG_DFL);
        for (int i = 0; i < n; i++) {
            pid_t p = fork();
            if (p == 0) _exit(0);
            if (p < 0) { perror("zombies: fork"); sh->failed = 1; _exit(1); }
            sh->pids[i] = p;
        }
        for (int i = 0; i < n; i++) {   // wait until each is a zombie, without reaping it
            siginfo_t si;
            while (waitid(P_PID, sh->pids[i], &si, WEXITED | WNOWAIT) < 0 && errno == EINTR) {}
        }
        char byte = 0;
        if (write(ready[1], &byte, 1) != 1 || read(go[0], &byte, 1) != 1) _exit(1);
        sh->handover = clock_ns(CLOCK_MONOTONIC);
        _exit(0);
    }
    char byte;
    if (read(ready[0], &byte, 1) != 1) { fprintf(stderr, "zombies: holder failed\n"); return 1; }
    int *fds = malloc((size_t)n * sizeof *fds);
    for (int i = 0; i < n; i++) {
        fds[i] = (int)syscall(SYS_pidfd_open, sh->pids[i], 0);
        if (fds[i] < 0) { perror("zombies: pidfd_open"); return 1; }
    }
    clockid_t init_clock;
    if (clock_getcpuclockid(getppid(), &init_clock) != 0) { fprintf(stderr, "zombies: no CPU clock for the init\n"); return 1; }
    long long init_cpu_before = clock_ns(init_clock);
    if (write(go[1], &byte, 1) != 1) { perror("write"); return 1; }
    int st;
    waitpid(holder, &st, 0);
    if (sh->failed || !WIFEXITED(st) || WEXITSTATUS(st) != 0) { fprintf(stderr, "zombies: holder failed\n"); return 1; }
    // An init reaps in the order the zombies were handed over, so waiting for the last one first
    // sleeps once; the sweep after it only checks the rest (and waits for any still there).
    wait_reaped(fds[n - 1]);
    for (int i = 0; i < n; i++) wait_reaped(fds[i]);
    long long done = clock_ns(CLOCK_MONOTONIC);
    long long init_cpu = clock_ns(init_clock) - init_cpu_before;
    FILE *f = fopen(argv[2], "w");
    if (!f) { perror(argv[2]); return 1; }
    fprintf(f, "%lld %lld\n", done - sh->handover, init_cpu);
    fclose(f);
    return 0;
}
