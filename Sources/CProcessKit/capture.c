#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cprocesskit_capture.h"

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

// Below this many pages a range is copied rather than remapped.
enum { fewest_pages_moved = 16 };

// Moves the whole pages [from, from + length) to `to`. A range spanning two mappings is refused by
// the kernel with EFAULT (an earlier move into the source made it several): it is split in halves
// until each half lies in one mapping. Any other refusal (a kernel without MREMAP_DONTUNMAP, memory
// it does not move) is a copy. On a refusal the destination is mapped afresh, since some kernels
// unmap it before checking the source.
static void move_pages(char *to, char *from, size_t length, size_t page) {
    if (length < fewest_pages_moved * page) {
        memcpy(to, from, length);
        return;
    }
    if (mremap(from, length, length, MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP, to) == to) return;
    int refusal = errno;
    if (mmap(to, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED) {
        // The destination could not be mapped again: nothing safe is left to do with it.
        abort();
    }
    if (refusal != EFAULT) {
        memcpy(to, from, length);
        return;
    }
    size_t half = (length / 2) & ~(page - 1);
    move_pages(to, from, half, page);
    move_pages(to + half, from + half, length - half, page);
}

void pk_move_bytes(void *to, void *from, size_t length) {
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    uintptr_t source = (uintptr_t)from, destination = (uintptr_t)to;
    if ((source - destination) % page != 0 || length < 2 * fewest_pages_moved * page) {
        memcpy(to, from, length);
        return;
    }
    size_t head = (page - source % page) % page;
    size_t middle = (length - head) & ~(page - 1);
    memcpy(to, from, head);
    move_pages((char *)to + head, (char *)from + head, middle, page);
    memcpy((char *)to + head + middle, (char *)from + head + middle, length - head - middle);
}
