// File and clock pieces a tool needs beyond open/read/write: an atomic replace and the wall clock.
#ifndef CPROCESSKIT_FILES_H
#define CPROCESSKIT_FILES_H

// rename(2): replaces `to` with `from` in one step, so a reader sees the old file or the new one,
// never half of one. Returns 0, or -1 with errno.
int pk_rename(const char *from, const char *to);

// The wall clock (CLOCK_REALTIME) in nanoseconds since the Unix epoch: for times shown to people
// and other programs, not for measuring intervals (it can jump).
long long pk_realtime_ns(void);

#endif
