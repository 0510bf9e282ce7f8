// siglat: signal forwarding latency through an init.
//   siglat child FIFO     the init's child: on SIGUSR1 its handler writes CLOCK_MONOTONIC (8 bytes)
//                         to FIFO; it first writes a 0 to say the handler is installed.
//   siglat send COUNT ROUNDS PID FIFO [PID FIFO ...]
//                         for each round and each init in turn: COUNT/ROUNDS times, take the time,
//                         kill(PID, SIGUSR1) and block until the child's timestamp arrives (one
//                         signal in flight). Then SIGTERM to every init. Prints per init:
//                         "INDEX MEDIAN_NS P99_NS MIN_NS".
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "timing.h"

static int out_fd;
static void on_usr1(int sig) {
    (void)sig;
    long long t = now_ns();
    if (write(out_fd, &t, sizeof t) != sizeof t) _exit(3);
}
static int read_full(int fd, void *buf, size_t n) {
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, (char *)buf + got, n - got);
        if (r <= 0) return -1;
        got += (size_t)r;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "child") == 0) {
        out_fd = open(argv[2], O_WRONLY);
        if (out_fd < 0) { perror(argv[2]); return 1; }
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_usr1;
        sa.sa_flags = SA_RESTART;
        sigaction(SIGUSR1, &sa, NULL);
        sigset_t none; sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        long long zero = 0;
        if (write(out_fd, &zero, sizeof zero) != sizeof zero) return 1;
        for (;;) pause();
    }
    if (argc >= 6 && strcmp(argv[1], "send") == 0 && (argc - 4) % 2 == 0) {
        int count = atoi(argv[2]), rounds = atoi(argv[3]), n = (argc - 4) / 2;
        int per = count / rounds;
        pid_t pids[32]; int fds[32];
        long long *lat = calloc((size_t)n * per * rounds, sizeof *lat);
        for (int i = 0; i < n; i++) {
            pids[i] = atoi(argv[4 + 2 * i]);
            fds[i] = open(argv[5 + 2 * i], O_RDWR);
            if (fds[i] < 0) { perror(argv[5 + 2 * i]); return 1; }
        }
        for (int i = 0; i < n; i++) {
            long long ready;
            if (read_full(fds[i], &ready, sizeof ready) < 0) { fprintf(stderr, "siglat: child %d not ready\n", i); return 1; }
        }
        for (int r = 0; r < rounds; r++)
            for (int k = 0; k < n; k++) {
                int i = (k + r) % n;
                for (int j = 0; j < per; j++) {
                    long long t0 = now_ns(), t1;
                    if (kill(pids[i], SIGUSR1) < 0) { perror("kill"); return 1; }
                    if (read_full(fds[i], &t1, sizeof t1) < 0) { fprintf(stderr, "siglat: child %d gone\n", i); return 1; }
                    lat[(size_t)i * per * rounds + (size_t)r * per + j] = t1 - t0;
                }
            }
        for (int i = 0; i < n; i++) kill(pids[i], SIGTERM);
        int total = per * rounds;
        for (int i = 0; i < n; i++) {
            long long *v = &lat[(size_t)i * total];
            qsort(v, total, sizeof *v, compare_ns);
            printf("%d %lld %lld %lld\n", i, v[total / 2], v[(total * 99) / 100], v[0]);
        }
        return 0;
    }
    fprintf(stderr, "usage: siglat child FIFO | siglat send COUNT ROUNDS PID FIFO [PID FIFO ...]\n");
    return 2;
}
