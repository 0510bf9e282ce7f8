// zombies: the main child of an init under test, for the reaping benchmark.
// usage: zombies COUNT OUTFILE
// A holder process forks COUNT children that exit at once and stay zombies (the holder does not
// reap them); when every one of them is a zombie the holder records the time and exits, so the
// kernel re-parents all COUNT zombies to PID 1 (the init) in one go. This process reaps the
// holder, then polls with kill(pid, 0) until every zombie is gone, i.e. the init has reaped them
// all, and writes the handover-to-last-reap time in nanoseconds to OUTFILE.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: zombies COUNT OUTFILE\n"); return 2; }
    int n = atoi(argv[1]);
    struct shared { long long handover; int failed; pid_t pids[]; } *sh =
        mmap(NULL, sizeof *sh + (size_t)n * sizeof(pid_t), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED) { perror("mmap"); return 1; }
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
        sh->handover = now_ns();
        _exit(0);
    }
    int st;
    waitpid(holder, &st, 0);
    if (sh->failed || !WIFEXITED(st) || WEXITSTATUS(st) != 0) { fprintf(stderr, "zombies: holder failed\n"); return 1; }
    for (int i = 0; i < n; i++)
        while (kill(sh->pids[i], 0) == 0) {}
    long long done = now_ns();
    FILE *f = fopen(argv[2], "w");
    if (!f) { perror(argv[2]); return 1; }
    fprintf(f, "%lld\n", done - sh->handover);
    fclose(f);
    return 0;
}
