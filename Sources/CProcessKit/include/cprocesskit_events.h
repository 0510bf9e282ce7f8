// C side of ProcessKit's event poller (hosted builds' async/await): one epoll instance watched by
// one thread, pidfds for child exits, non-blocking pipe reads and writes. epoll_event is a packed
// struct on x86-64, which Swift does not import well, so it stays on this side.
#ifndef CPROCESSKIT_EVENTS_H
#define CPROCESSKIT_EVENTS_H

#include <stdint.h>
#include <sys/types.h>

// A new close-on-exec epoll instance, or -1 with errno.
int pk_epoll_create(void);

// Watches fd for one readiness event (readable when `writable` is 0, writable otherwise; hang-up and
// errors always count), reported once with `token`. Returns 0, or -1 with errno.
int pk_epoll_watch_once(int epoll, int fd, int writable, uint64_t token);

// Stops watching fd. Returns 0, or -1 with errno.
int pk_epoll_forget(int epoll, int fd);

// Waits for at most `capacity` events (forever when timeout_ms is negative) and stores their tokens.
// Returns how many, or -1 with errno.
int pk_epoll_wait_tokens(int epoll, uint64_t *tokens, int capacity, int timeout_ms);

// Starts a detached thread running body(context) with every signal blocked, so it never takes a
// signal meant for the process. Returns 0 or an error number.
int pk_start_detached_thread(void (*body)(void *), void *context);

// A close-on-exec, non-blocking eventfd (for waking an epoll_wait), or -1 with errno.
int pk_eventfd_create(void);

// Adds 1 to an eventfd's counter, making it readable. Returns 0, or -1 with errno.
int pk_eventfd_signal(int fd);

// Resets an eventfd's counter to 0. Returns 0, or -1 with errno.
int pk_eventfd_drain(int fd);

// Watches fd for readability, reported with `token` every time until forgotten (level-triggered).
int pk_epoll_watch(int epoll, int fd, uint64_t token);

// A close-on-exec duplicate of fd (F_DUPFD_CLOEXEC), or -1 with errno.
int pk_dup_cloexec(int fd);

#endif
