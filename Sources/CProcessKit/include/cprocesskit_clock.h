// The clocks, in nanoseconds.
#pragma once

/// CLOCK_MONOTONIC: for deadlines and intervals, which it measures without jumps.
long long pk_monotonic_ns(void);

/// CLOCK_REALTIME, since the Unix epoch: for times shown to people and other programs, not for
/// measuring intervals (it can jump).
long long pk_realtime_ns(void);
