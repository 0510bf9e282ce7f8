#define _GNU_SOURCE
#include "cprocesskit_child.h"

#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif

int pk_pidfd_open(pid_t pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }

int pk_pidfd_send_signal(int pidfd, int signo) {
    return (int)syscall(SYS_pidfd_send_signal, pidfd, signo, NULL, 0);
}

int pk_wait_child(pid_t pid, int pidfd, int options, int *raw_status) {
    siginfo_t info;
    info.si_pid = 0;
    int result = pidfd >= 0 ? waitid((idtype_t)P_PIDFD, (id_t)pidfd, &info, options) : -1;
    // No pidfd, or a kernel with pidfds but without P_PIDFD for waitid (5.2 and 5.3): by pid.
    if (pidfd < 0 || (result != 0 && errno == EINVAL)) result = waitid(P_PID, (id_t)pid, &info, options);
    if (result != 0) return -1;
    if (info.si_pid == 0) return 0;
    int value = info.si_status;
    switch (info.si_code) {
    case CLD_EXITED: *raw_status = (value & 0xff) << 8; break;
    case CLD_KILLED: *raw_status = value & 0x7f; break;
    case CLD_DUMPED: *raw_status = (value & 0x7f) | 0x80; break;
    case CLD_STOPPED: case CLD_TRAPPED: *raw_status = ((value & 0xff) << 8) | 0x7f; break;
    default: *raw_status = 0xffff; break;  // CLD_CONTINUED
    }
    return 1;
}
