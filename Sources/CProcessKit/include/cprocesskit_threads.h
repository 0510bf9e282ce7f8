// Threads: starting one with every signal blocked, and a small lock.
#pragma once

#pragma clang assume_nonnull begin

/// Starts a detached thread running body(context) with every signal blocked, so it never takes a
/// signal meant for the process. Returns 0 or an error number.
int pk_start_detached_thread(void *_Nullable (*_Nonnull body)(void *), void *context);

/// A lock for state shared between threads and held only for a few system calls: an int, 0 when
/// free, taken with an atomic exchange (the thread yields while another holds it). A pthread mutex
/// would cost a static binary kilobytes of code for no gain here.
void pk_lock(int *lock);
void pk_unlock(int *lock);

#pragma clang assume_nonnull end
