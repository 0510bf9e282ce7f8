#include "cprocesskit_clock.h"

#include <time.h>

static long long nanoseconds(clockid_t clock) {
    struct timespec now;
    clock_gettime(clock, &now);
    return (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
}

long long pk_monotonic_ns(void) { return nanoseconds(CLOCK_MONOTONIC); }
long long pk_realtime_ns(void) { return nanoseconds(CLOCK_REALTIME); }
