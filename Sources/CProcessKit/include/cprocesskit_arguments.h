// The process's argc, argv and environment, captured before main: Embedded Swift has no CommandLine.
#pragma once

#pragma clang assume_nonnull begin

int pk_argc(void);

/// argv[0] to argv[pk_argc() - 1]; empty when the C library gave the capture nothing to read.
char *_Nonnull const *_Nonnull pk_argv(void);

/// environ, NULL-terminated; empty when the process has no environment at all.
char *_Nullable const *_Nonnull pk_environ(void);

#pragma clang assume_nonnull end
