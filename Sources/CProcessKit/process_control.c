#include "cprocesskit_process_control.h"

#include <sys/prctl.h>

int pk_disable_core_dumps(void) { return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); }
