#include "cprocesskit_events.h"

#include <stddef.h>
#include <sys/epoll.h>

int pk_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

static int watch(int epoll, int fd, uint32_t events, uint64_t token) {
    struct epoll_event event = { .events = events, .data.u64 = token };
    return epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event);
}

int pk_epoll_watch(int epoll, int fd, uint64_t token) { return watch(epoll, fd, EPOLLIN, token); }

int pk_epoll_watch_once(int epoll, int fd, int writable, uint64_t token) {
    return watch(epoll, fd, (writable ? EPOLLOUT : EPOLLIN) | EPOLLONESHOT, token);
}

int pk_epoll_forget(int epoll, int fd) { return epoll_ctl(epoll, EPOLL_CTL_DEL, fd, NULL); }

int pk_epoll_wait_tokens(int epoll, uint64_t *tokens, int capacity, int timeout_ms) {
    struct epoll_event events[64];
    if (capacity > 64) capacity = 64;
    int count = epoll_wait(epoll, events, capacity, timeout_ms);
    for (int index = 0; index < count; index++) tokens[index] = events[index].data.u64;
    return count;
}
