// What Embedded Swift's standard library expects from libc but musl does not have.
#if !defined(__GLIBC__)
#include <errno.h>
#include <stddef.h>
#include <sys/random.h>

// Seeds Hasher (Dictionary, Set). glibc 2.36+ has it; musl 1.2 does not.
void arc4random_buf(void *buffer, size_t count) {
    unsigned char *bytes = buffer;
    while (count > 0) {
        ssize_t got = getrandom(bytes, count, 0);
        if (got < 0) {
            if (errno == EINTR) continue;
            break;
        }
        bytes += got;
        count -= (size_t)got;
    }
}
#endif
