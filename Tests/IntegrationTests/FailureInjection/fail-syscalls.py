#!/usr/bin/env python3
"""Runs a program with chosen system calls failing: a seccomp filter makes each call that matches a
rule fail with EPERM, then the program is exec'd with it.

    fail-syscalls.py RULE... -- PROGRAM [ARG...]

A rule is a system call's name with optional conditions on its arguments (the low 32 bits of each):

    prctl:arg0=36           prctl(PR_SET_CHILD_SUBREAPER, ...)
    kill:arg0=-1            kill(-1, ...)
    rt_sigtimedwait:arg2!=0 a wait with a timeout (not the untimed one)
    chdir                   every chdir

The filter is inherited by everything the program starts and cannot be removed: it is how the tests
reach the branches for a system call that does not fail on a healthy host. Needs Linux on x86_64 or
aarch64; calls from another architecture's ABI are let through.
"""
import ctypes
import errno
import os
import platform
import struct
import sys

# The calls the tests use, by machine: (audit architecture, {name: number}).
MACHINES = {
    "x86_64": (0xC000003E, {"prctl": 157, "chdir": 80, "kill": 62, "rt_sigprocmask": 14,
                            "rt_sigtimedwait": 128, "pidfd_send_signal": 424}),
    "aarch64": (0xC00000B7, {"prctl": 167, "chdir": 49, "kill": 129, "rt_sigprocmask": 135,
                             "rt_sigtimedwait": 137, "pidfd_send_signal": 424}),
}

# Classic BPF, as seccomp runs it over struct seccomp_data {int nr; u32 arch; u64 ip; u64 args[6];}.
LD_ABS_W, JEQ_K, RET_K = 0x20, 0x15, 0x06
RET_ALLOW, RET_ERRNO = 0x7FFF0000, 0x00050000
NR, ARCH = 0, 4


def arg_low(index):
    return 16 + 8 * index  # little-endian on both machines: the low word comes first


def usage(message):
    sys.stderr.write("fail-syscalls: %s\nusage: fail-syscalls.py RULE... -- PROGRAM [ARG...]\n" % message)
    sys.exit(2)


def parse_rule(text, numbers):
    """'name[:argN=V|:argN!=V]...' as (number, [(offset, value, equal)])."""
    name, *conditions = text.split(":")
    if name not in numbers:
        usage("no system call called %r here (known: %s)" % (name, " ".join(sorted(numbers))))
    parsed = []
    for condition in conditions:
        equal = "!=" not in condition
        left, _, right = condition.partition("=" if equal else "!=")
        if not (left.startswith("arg") and left[3:].isdigit() and int(left[3:]) < 6 and right.lstrip("-").isdigit()):
            usage("a condition is argN=V or argN!=V, N from 0 to 5, V a number: %r" % condition)
        parsed.append((arg_low(int(left[3:])), int(right) & 0xFFFFFFFF, equal))
    return numbers[name], parsed


def program(rules, audit_arch):
    """One block per rule, each starting from the call's number: a call that matches fails with EPERM."""
    code = []

    def op(kind, k=0, jt=0, jf=0):
        code.append(struct.pack("HBBI", kind, jt, jf, k))

    op(LD_ABS_W, ARCH)
    blocks = []
    for number, conditions in rules:
        block = [(LD_ABS_W, NR, 0, 0), (JEQ_K, number, 0, None)]
        for offset, value, equal in conditions:
            block.append((LD_ABS_W, offset, 0, 0))
            block.append((JEQ_K, value, 0, None) if equal else (JEQ_K, value, None, 0))
        block.append((RET_K, RET_ERRNO | errno.EPERM, 0, 0))
        blocks.append(block)
    # A call from another architecture's ABI is let through: its numbers mean other calls.
    op(JEQ_K, audit_arch, 0, sum(len(block) for block in blocks))
    for block in blocks:
        for index, (kind, k, jt, jf) in enumerate(block):
            skip = len(block) - index - 1  # past this block's end
            op(kind, k, skip if jt is None else jt, skip if jf is None else jf)
    op(RET_K, RET_ALLOW)
    return b"".join(code)


def main():
    if "--" not in sys.argv[1:]:
        usage("no -- before the program")
    split = sys.argv.index("--")
    texts, argv = sys.argv[1:split], sys.argv[split + 1:]
    if not argv:
        usage("no program")
    machine = MACHINES.get(platform.machine())
    if machine is None:
        usage("no system call table for %s" % platform.machine())
    audit_arch, numbers = machine
    filter_code = program([parse_rule(text, numbers) for text in texts], audit_arch)

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_char_p)]

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong]
    prog = SockFprog(len(filter_code) // 8, filter_code)
    PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, None, 0, 0) != 0 or \
            libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.cast(ctypes.pointer(prog), ctypes.c_void_p), 0, 0) != 0:
        usage("cannot install the filter: %s" % os.strerror(ctypes.get_errno()))
    try:
        os.execvp(argv[0], argv)
    except OSError as error:
        sys.stderr.write("fail-syscalls: cannot run %s: %s\n" % (argv[0], error.strerror))
        sys.exit(127 if error.errno == errno.ENOENT else 126)


main()
