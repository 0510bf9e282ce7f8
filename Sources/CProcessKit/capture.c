#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cprocesskit_capture.h"

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

// Below this many pages a range is copied rather than remapped.
enum { fewest_pages_moved = 32 };

// Moves the whole pages [from, from + length) to `to`, or copies them where the kernel refuses (one
// without MREMAP_DONTUNMAP; an older one, a range spanning two mappings, which an earlier move into
// the source makes). The destination is mapped afresh after a refusal: some kernels unmap it first.
static void move_pages(char *to, char *from, size_t length) {
    if (mremap(from, length, length, MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP, to) == to) return;
    if (mmap(to, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED) {
        abort();  // nothing safe is left to do with the destination
    }
    memcpy(to, from, length);
}

void pk_move_bytes(void *to, void *from, size_t length) {
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    uintptr_t source = (uintptr_t)from, destination = (uintptr_t)to;
    if ((source - destination) % page != 0 || length < fewest_pages_moved * page) {
        memcpy(to, from, length);
        return;
    }
    size_t head = (page - source % page) % page;
    size_t middle = (length - head) & ~(page - 1);
    memcpy(to, from, head);
    move_pages((char *)to + head, (char *)from + head, middle);
    memcpy((char *)to + head + middle, (char *)from + head + middle, length - head - middle);
}

void pk_prefault(void *start, size_t length) {
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    uintptr_t first = (uintptr_t)start & ~(page - 1);
    uintptr_t end = ((uintptr_t)start + length) & ~(page - 1);
    if (end > first) (void)madvise((void *)first, end - first, MADV_POPULATE_WRITE);
}
