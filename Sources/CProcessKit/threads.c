#include "cprocesskit_threads.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>

int pk_start_detached_thread(void *_Nullable (*_Nonnull body)(void *), void *context) {
    // A new thread starts with its creator's mask: block everything around pthread_create.
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attributes, 256 * 1024);
    pthread_t thread;
    int result = pthread_create(&thread, &attributes, body, context);
    pthread_attr_destroy(&attributes);
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    return result;
}

void pk_lock(int *lock) {
    while (__atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE) != 0) sched_yield();
}

void pk_unlock(int *lock) { __atomic_store_n(lock, 0, __ATOMIC_RELEASE); }
