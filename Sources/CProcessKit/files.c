#include <stdio.h>
#include <time.h>

#include "cprocesskit_files.h"

int pk_rename(const char *from, const char *to) { return rename(from, to); }

long long pk_realtime_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
}
