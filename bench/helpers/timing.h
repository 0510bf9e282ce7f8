// Clock reading and sorting shared by the C helpers of bench/run.
#ifndef BENCH_TIMING_H
#define BENCH_TIMING_H

#include <time.h>

// `clock` (CLOCK_MONOTONIC, or a process's CPU clock) in nanoseconds.
static inline long long clock_ns(clockid_t clock) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

// CLOCK_MONOTONIC in nanoseconds.
static inline long long now_ns(void) { return clock_ns(CLOCK_MONOTONIC); }

// qsort's comparison of two long longs, ascending.
static inline int compare_ns(const void *a, const void *b) {
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

#endif
