// Memory pieces for buffers that hold a child's captured output.
#pragma once

#include <stddef.h>

#pragma clang assume_nonnull begin

// Copies `length` bytes from `from` to `to` (which must not overlap), and leaves `from` unspecified:
// the whole pages of the source are moved to the destination by remapping them (mremap with
// MREMAP_DONTUNMAP) where both sit at the same offset within a page, so the destination takes no
// page faults and nothing is copied there; the source range stays mapped and reads as zeros. Both
// ranges must lie in private anonymous memory, as a C library's large allocations do. Falls back to
// memcpy wherever the kernel does not move them.
void pk_move_bytes(void *to, void *from, size_t length);

// Gives the pages from the one holding `start` to the last whole one before `start + length` their
// memory now, in one call (madvise with MADV_POPULATE_WRITE), rather than one page fault at a time as
// they are first written; the bytes are left as they were. A kernel without it (before 5.14)
// refuses, and the pages fault in as usual.
void pk_prefault(void *start, size_t length);

#pragma clang assume_nonnull end
