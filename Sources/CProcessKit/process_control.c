#include "cprocesskit_process_control.h"

#include <sys/prctl.h>

int pk_disable_core_dumps(void) { return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); }

int pk_set_child_subreaper(int enabled) { return prctl(PR_SET_CHILD_SUBREAPER, enabled ? 1 : 0, 0, 0, 0); }

int pk_is_child_subreaper(void) {
    int enabled = 0;
    if (prctl(PR_GET_CHILD_SUBREAPER, &enabled, 0, 0, 0) != 0) return -1;
    return enabled;
}

int pk_set_parent_death_signal(int signo) { return prctl(PR_SET_PDEATHSIG, signo, 0, 0, 0); }

int pk_parent_death_signal(void) {
    int signo = 0;
    if (prctl(PR_GET_PDEATHSIG, &signo, 0, 0, 0) != 0) return -1;
    return signo;
}
