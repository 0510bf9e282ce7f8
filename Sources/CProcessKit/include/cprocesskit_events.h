// ProcessKit's event poller (hosted builds' async/await): one epoll instance watched by one thread,
// woken through an eventfd (which Swift drives itself). epoll_event is a packed struct on x86-64,
// which Swift does not import well, so it stays on this side.
#pragma once

#include <stdint.h>

#pragma clang assume_nonnull begin

/// A new close-on-exec epoll instance, or -1 with errno.
int pk_epoll_create(void);

/// Watches fd for readability, reported with `token` every time until forgotten (level-triggered).
int pk_epoll_watch(int epoll, int fd, uint64_t token);

/// Watches fd for one readiness event (readable when `writable` is 0, writable otherwise; hang-up and
/// errors always count), reported once with `token`. Returns 0, or -1 with errno.
int pk_epoll_watch_once(int epoll, int fd, int writable, uint64_t token);

/// Stops watching fd. Returns 0, or -1 with errno.
int pk_epoll_forget(int epoll, int fd);

/// Waits for at most `capacity` events (forever when timeout_ms is negative) and stores their tokens.
/// Returns how many, or -1 with errno.
int pk_epoll_wait_tokens(int epoll, uint64_t *tokens, int capacity, int timeout_ms);

#pragma clang assume_nonnull end
