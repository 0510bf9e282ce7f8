#include "cprocesskit_arguments.h"

#include <stddef.h>

extern char **environ;

static char *const no_strings[] = { NULL };
static int saved_argc;
static char *const *saved_argv = no_strings;

#if defined(__GLIBC__)
// glibc passes argc, argv and envp to ELF constructors, static or dynamic.
__attribute__((constructor)) static void pk_capture_arguments(int argc, char **argv, char **envp) {
    (void)envp;
    saved_argc = argc;
    saved_argv = argv;
}
#else
// musl calls constructors without arguments. Before any constructor runs, musl sets environ to the
// kernel's envp, which follows argv's NULL on the initial stack: [argc][argv0..argvN-1][NULL][envp...].
// Walking back from environ, the word n slots before argv's NULL equals n exactly when it is argc
// (every word in between is an argv pointer, never a small integer).
__attribute__((constructor)) static void pk_capture_arguments(void) {
    char **envp = environ;
    if (envp == NULL) return;
    for (long n = 0; n < (1L << 24); n++) {
        if ((unsigned long)envp[-2 - n] == (unsigned long)n) {
            saved_argc = (int)n;
            saved_argv = envp - 1 - n;
            return;
        }
    }
}
#endif

int pk_argc(void) { return saved_argc; }
char *const *pk_argv(void) { return saved_argv; }
char *const *pk_environ(void) { return environ != NULL ? environ : no_strings; }
