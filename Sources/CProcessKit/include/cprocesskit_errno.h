// errno, which Embedded Swift cannot reach as a macro, and its text.
#pragma once

#pragma clang assume_nonnull begin

int pk_errno(void);

/// strerror() in glibc's wording, whichever C library is linked.
const char *pk_strerror(int error);

#pragma clang assume_nonnull end
