// zeros N: writes N zero bytes to standard output in 64 KiB writes (a pipe's capacity), the same
// writer for every reader measured.
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
    long long remaining = argc > 1 ? atoll(argv[1]) : 0;
    static char buffer[65536];
    while (remaining > 0) {
        ssize_t count = write(1, buffer, remaining < (long long)sizeof buffer ? (size_t)remaining : sizeof buffer);
        if (count <= 0) return 1;
        remaining -= count;
    }
    return 0;
}
