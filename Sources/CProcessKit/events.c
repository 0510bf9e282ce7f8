#define _GNU_SOURCE
#include "cprocesskit_events.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434  // the same number on every architecture
#endif

int pk_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int pk_epoll_watch_once(int epoll, int fd, int writable, uint64_t token) {
    struct epoll_event event = { .events = (writable ? EPOLLOUT : EPOLLIN) | EPOLLONESHOT, .data.u64 = token };
    return epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event);
}

int pk_epoll_forget(int epoll, int fd) { return epoll_ctl(epoll, EPOLL_CTL_DEL, fd, NULL); }

int pk_epoll_wait_tokens(int epoll, uint64_t *tokens, int capacity, int timeout_ms) {
    struct epoll_event events[64];
    if (capacity > 64) capacity = 64;
    int count = epoll_wait(epoll, events, capacity, timeout_ms);
    for (int index = 0; index < count; index++) tokens[index] = events[index].data.u64;
    return count;
}

int pk_pidfd_open(pid_t pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }

struct pk_thread_start { void (*body)(void *); void *context; };

static void *pk_thread_main(void *argument) {
    struct pk_thread_start start = *(struct pk_thread_start *)argument;
    free(argument);
    start.body(start.context);
    return NULL;
}

int pk_start_detached_thread(void (*body)(void *), void *context) {
    struct pk_thread_start *start = malloc(sizeof *start);
    if (start == NULL) return ENOMEM;
    start->body = body;
    start->context = context;
    // A new thread starts with its creator's mask: block everything around pthread_create.
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attributes, 256 * 1024);
    pthread_t thread;
    int result = pthread_create(&thread, &attributes, pk_thread_main, start);
    pthread_attr_destroy(&attributes);
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    if (result != 0) free(start);
    return result;
}

int pk_set_nonblocking(int fd, int nonblocking) {
    int flags = fcntl(fd, F_GETFL);
    if (flags == -1) return -1;
    int wanted = nonblocking ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
    return wanted == flags ? 0 : fcntl(fd, F_SETFL, wanted);
}

int pk_dup_cloexec(int fd) { return fcntl(fd, F_DUPFD_CLOEXEC, 0); }
