// restartfloor: the least a restarter can do, as a floor for rebound's restart latency on this
// machine: fork, exec PROG, wait for it, and start it again until it exits 0.
// usage: restartfloor PROG ARGS...
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: restartfloor PROG ARGS...\n"); return 2; }
    for (;;) {
        pid_t pid = fork();
        if (pid < 0) { perror("fork"); return 1; }
        if (pid == 0) { execv(argv[1], &argv[1]); _exit(127); }
        int st;
        pid_t got;
        while ((got = waitpid(-1, &st, 0)) != pid) if (got < 0) return 1;
        if (WIFEXITED(st) && WEXITSTATUS(st) == 0) return 0;
        if (WIFEXITED(st) && WEXITSTATUS(st) == 127) return 127;
    }
}
