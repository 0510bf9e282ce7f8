// errno, which Embedded Swift cannot reach as a macro, and its text.
#pragma once

#pragma clang assume_nonnull begin

int pk_errno(void);

/// strerror() in glibc's wording, whichever C library is linked; NULL (with musl) where glibc's text is
/// "Unknown error N".
const char *_Nullable pk_strerror(int error);

#pragma clang assume_nonnull end
