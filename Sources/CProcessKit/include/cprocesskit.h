// C side of ProcessKit: the few libc pieces Swift cannot call directly (macros, variadic functions,
// errno, siginfo unions, packed structs) and the child-side fork/exec setup, which must stay
// async-signal-safe and so is written in C. One header per concept; this one gathers them and the
// libc headers whose functions and constants Swift calls directly (Embedded Swift has no Glibc module).
#pragma once

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cprocesskit_arguments.h"
#include "cprocesskit_capture.h"
#include "cprocesskit_child.h"
#include "cprocesskit_errno.h"
#include "cprocesskit_events.h"
#include "cprocesskit_files.h"
#include "cprocesskit_process_control.h"
#include "cprocesskit_signals.h"
#include "cprocesskit_spawn.h"
#include "cprocesskit_threads.h"
