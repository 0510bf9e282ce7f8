// Helper processes for the reliability scenarios (Tests/IntegrationTests/ReliabilityScenarios.swift): a
// signal sender, a signal counter, an orphan maker, and small probes, in C for what a storm needs (a
// fork that costs nothing, sigwaitinfo in a tight loop). Compiled by the scenarios with `cc -O2`.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void write_file(const char *path, const char *text) {
    char temp[4096];
    snprintf(temp, sizeof temp, "%s.tmp", path);
    FILE *f = fopen(temp, "w");
    if (!f) { perror(temp); exit(90); }
    fputs(text, f);
    fclose(f);
    rename(temp, path);  // appears whole: readers never see half a file
}

// The standard signals of the storm; they may coalesce. SIGCHLD is swinit's own and must not reach the child.
static const int standard[] = { SIGUSR1, SIGUSR2, SIGHUP, SIGWINCH, SIGCHLD, SIGCONT, SIGALRM, SIGURG };
static const char *standard_names[] = { "USR1", "USR2", "HUP", "WINCH", "CHLD", "CONT", "ALRM", "URG" };
enum { STANDARD_KINDS = sizeof standard / sizeof standard[0] };
#define COUNTED (SIGRTMIN + 1)
#define MARKER (SIGRTMIN + 2)

// kill(), retrying while the receiver's queue of real-time signals is full.
static long send_retrying(pid_t pid, int signo) {
    long retries = 0;
    while (kill(pid, signo) != 0) {
        if (errno != EAGAIN) { perror("kill"); exit(91); }
        retries++;
        sched_yield();
    }
    return retries;
}

// send PID TOTAL: every other signal is SIGRTMIN+1, the rest cycle through the standard kinds;
// then the marker SIGRTMIN+2, which is dequeued after every SIGRTMIN+1 queued before it.
static int send_storm(pid_t pid, long total) {
    long sent_rt = 0, sent_standard[STANDARD_KINDS] = {0}, retries = 0;
    double start = now();
    for (long i = 0; i < total; i++) {
        if (i % 2 == 0) {
            retries += send_retrying(pid, COUNTED);
            sent_rt++;
        } else {
            int kind = (int)((i / 2) % STANDARD_KINDS);
            retries += send_retrying(pid, standard[kind]);
            sent_standard[kind]++;
        }
    }
    double seconds = now() - start;
    retries += send_retrying(pid, MARKER);
    printf("sent_total=%ld\nsent_rt=%ld\nsend_seconds=%.3f\neagain_retries=%ld\n", total, sent_rt, seconds, retries);
    for (int k = 0; k < STANDARD_KINDS; k++) printf("sent_%s=%ld\n", standard_names[k], sent_standard[k]);
    return 0;
}

// count-signals READY OUT EXITCODE: counts the storm's signals as they arrive; on the marker writes
// the counts to OUT and exits with EXITCODE.
static int count_signals(const char *ready, const char *out, int code) {
    sigset_t set;
    sigemptyset(&set);
    for (int k = 0; k < STANDARD_KINDS; k++) sigaddset(&set, standard[k]);
    sigaddset(&set, COUNTED);
    sigaddset(&set, MARKER);
    sigprocmask(SIG_BLOCK, &set, NULL);
    write_file(ready, "ready\n");
    long counts[STANDARD_KINDS] = {0}, rt = 0;
    while (1) {
        siginfo_t info;
        int signo = sigwaitinfo(&set, &info);
        if (signo < 0) continue;
        if (signo == MARKER) break;
        if (signo == COUNTED) { rt++; continue; }
        for (int k = 0; k < STANDARD_KINDS; k++) if (standard[k] == signo) counts[k]++;
    }
    char text[1024];
    int length = snprintf(text, sizeof text, "got_rt=%ld\n", rt);
    for (int k = 0; k < STANDARD_KINDS; k++)
        length += snprintf(text + length, sizeof text - length, "got_%s=%ld\n", standard_names[k], counts[k]);
    write_file(out, text);
    return code;
}

static int count_processes(int *zombies) {
    DIR *d = opendir("/proc");
    int count = 0;
    *zombies = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
        count++;
        char path[300], buffer[256];
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        int fd = open(path, O_RDONLY);
        if (fd < 0) continue;
        ssize_t n = read(fd, buffer, sizeof buffer - 1);
        close(fd);
        if (n <= 0) continue;
        buffer[n] = 0;
        char *paren = strrchr(buffer, ')');
        if (paren && paren[1] == ' ' && paren[2] == 'Z') (*zombies)++;
    }
    closedir(d);
    return count;
}

// orphans N EXITCODE (run as swinit's child in a new PID namespace): makes N orphans at once, lets them
// all exit at the same moment, then waits until PID 1 has reaped every one; prints the figures.
static int orphans(long n, int code) {
    int gate[2];
    if (pipe(gate) != 0) { perror("pipe"); return 92; }
    int before_zombies, before = count_processes(&before_zombies);
    pid_t middle = fork();
    if (middle == 0) {
        close(gate[1]);
        for (long i = 0; i < n; i++) {
            pid_t p = fork();
            if (p == 0) {
                char byte;
                while (read(gate[0], &byte, 1) < 0 && errno == EINTR) {}
                _exit(0);
            }
            if (p < 0) { perror("fork"); _exit(93); }
        }
        _exit(0);  // its N children become orphans, adopted by PID 1
    }
    int status;
    waitpid(middle, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) { fprintf(stderr, "could not fork %ld orphans\n", n); return 94; }
    int zombies, alive = count_processes(&zombies);
    double start = now();
    close(gate[1]);  // every orphan exits now
    close(gate[0]);
    int left = 0, left_zombies = 0;
    // A bound against a hang, never a speed check: reaping may take long on a loaded machine. Each
    // look reads all of /proc, so it looks every 10 ms and leaves PID 1 the CPU in between.
    while (now() - start < 300) {
        left = count_processes(&left_zombies) - before;
        if (left == 0) break;
        usleep(10000);
    }
    printf("orphans=%ld\nadopted_alive=%d\nleft=%d\nleft_zombies=%d\nreap_seconds=%.3f\n",
           n, alive - before, left, left_zombies, now() - start);
    fflush(stdout);
    return code;
}

// fds OUT: writes this process's open file descriptors, one a line.
static int list_fds(const char *out) {
    DIR *d = opendir("/proc/self/fd");
    char text[8192];
    int length = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d)) continue;
        length += snprintf(text + length, sizeof text - length, "%s\n", e->d_name);
    }
    closedir(d);
    write_file(out, text);
    return 0;
}

static long status_field(pid_t pid, const char *field) {
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    long value = -1;
    size_t length = strlen(field);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, field, length) == 0 && line[length] == ':') value = atol(line + length + 1);
    fclose(f);
    return value;
}

static int count_fds(pid_t pid) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/fd", pid);
    DIR *d = opendir(path);
    if (!d) return -1;
    int count = 0;
    struct dirent *e;
    while ((e = readdir(d))) if (e->d_name[0] != '.') count++;
    closedir(d);
    return count;
}

// crash COUNTER OUT EXITCODE RUN...: counts its runs in COUNTER; on the listed runs appends the
// parent's (rebound's) VmRSS and open fd count to OUT; exits with EXITCODE.
static int crash(const char *counter, const char *out, int code, int argc, char **runs) {
    long run = 0;
    FILE *f = fopen(counter, "r");
    if (f) { if (fscanf(f, "%ld", &run) != 1) run = 0; fclose(f); }
    run++;
    f = fopen(counter, "w");
    fprintf(f, "%ld\n", run);
    fclose(f);
    for (int i = 0; i < argc; i++) {
        if (atol(runs[i]) != run) continue;
        pid_t parent = getppid();
        f = fopen(out, "a");
        fprintf(f, "run=%ld rss_kb=%ld fds=%d\n", run, status_field(parent, "VmRSS"), count_fds(parent));
        fclose(f);
    }
    return code;
}

int main(int argc, char **argv) {
    if (argc >= 4 && strcmp(argv[1], "send") == 0) return send_storm(atoi(argv[2]), atol(argv[3]));
    if (argc >= 5 && strcmp(argv[1], "count-signals") == 0) return count_signals(argv[2], argv[3], atoi(argv[4]));
    if (argc >= 4 && strcmp(argv[1], "orphans") == 0) return orphans(atol(argv[2]), atoi(argv[3]));
    if (argc >= 3 && strcmp(argv[1], "fds") == 0) return list_fds(argv[2]);
    if (argc >= 5 && strcmp(argv[1], "crash") == 0) return crash(argv[2], argv[3], atoi(argv[4]), argc - 5, argv + 5);
    if (argc >= 3 && strcmp(argv[1], "ready") == 0) {  // ready FILE: says so, then waits for a signal
        write_file(argv[2], "ready\n");
        for (;;) pause();
    }
    fprintf(stderr, "usage: probe send|count-signals|orphans|fds|crash|ready ...\n");
    return 2;
}
