#!/usr/bin/env python3
"""Differential tests: the real peer and ours, from the same generated starting state, under the same
events; what the child saw, the exit and the messages must match unless a row of INTENDED says why not.

    differential.py swinit  --peer /usr/bin/tini    --ours .build/debug/swinit  --seed 19 --cases 500
    differential.py timeout --peer /usr/bin/timeout --ours .build/debug/timeout --seed 19 --case 123

Each case is generated from (pair, seed, index) alone, so `--seed S --case I` runs exactly the case that
failed; a failure prints that command. Needs root (a PID namespace, a controlling terminal) and Linux.

A case is a starting state (signal mask and ignored set over 1-64, pending signals, open descriptors
with and without close-on-exec, session, process group, a pty as controlling terminal or none, cwd,
umask, environment and argv with empty strings and bytes that are not UTF-8), a command line (the flag
matrix, nesting) and events (signals before the child is up, while it runs, after it has exited; a
child that exits, kills itself, stops, or leaves a grandchild). The launcher, a fork of this script,
sets the state and execs the tool; the child is REPORTER, a shell script that traps every signal into a
log and waits for the driver's word; the driver reads the child's /proc entries while it waits.
"""
import argparse
import ctypes
import fcntl
import multiprocessing
import os
import random
import re
import shlex
import signal
import sys
import tempfile
import termios
import time
import traceback

SLOWDOWN = 4.0 if os.environ.get("PROCESSKIT_SANITIZER") else 1.0
# A sanitized build's runtime options (scripts/test-sanitizers sets them, among them the ones that keep
# its runtime from catching SIGSEGV, SIGBUS and SIGFPE over an inherited SIG_IGN) go into every
# generated environment, the peer's and ours alike, so a case stays the same case.
SANITIZER_ENV = {name.encode(): os.environ[name].encode()
                 for name in ("ASAN_OPTIONS", "TSAN_OPTIONS", "LSAN_OPTIONS") if name in os.environ}
SIGRTMIN = signal.SIGRTMIN  # 34 with glibc: 32 and 33 belong to the C library's threads
ALL_SIGNALS = [s for s in range(1, 65) if s not in (32, 33)]
CATCHABLE = [s for s in ALL_SIGNALS if s not in (signal.SIGKILL, signal.SIGSTOP)]
FAULTS = [signal.SIGSEGV, signal.SIGBUS, signal.SIGFPE, signal.SIGILL, signal.SIGTRAP, signal.SIGABRT, signal.SIGSYS]

# What differs on purpose. Each row: the pair, a name, and the reason; `apply` in Run.adjust applies it.
# docs/differential-tests.md shows the same table; any other difference fails.
INTENDED = [
    ("swinit", "sigchld-ignored",
     "tini started with SIGCHLD ignored hangs for ever (the kernel reaps its child and tini never "
     "learns); swinit returns the child's code. The reference runs with SIGCHLD at its default action, "
     "and the child must see SIGCHLD ignored under swinit."),
    ("swinit", "stderr-only",
     "swinit writes all its messages to standard error, unbuffered; tini writes its INFO and DEBUG lines "
     "to standard output, buffered when that is not a terminal, and loses them when it is killed."),
    ("swinit", "signal-names",
     "swinit names a signal by its name ('SIGTERM') where tini uses the C library's description ('Terminated')."),
    ("swinit", "debug-lines",
     "Debug and trace lines (-vv, -vvv) are not compared: tini's log each SIGCHLD and reap, swinit's do not."),
    ("swinit", "directory-message",
     "A directory named as the program: tini reports execve's 'Permission denied', swinit 'Is a directory' "
     "(the same exit code, 126)."),
    ("swinit", "no-spawned-line-on-exec-failure",
     "With -v, tini logs 'Spawned child process' after the fork even when the exec then fails; swinit learns "
     "of the failure before it logs, and logs only the failure and the exit."),
    ("swinit", "one-line-warning",
     "swinit's warning when it is neither PID 1 nor a subreaper is one line (every log line is one line) "
     "and names SWINIT_SUBREAPER too."),
]

REPORTER = r"""#!/bin/bash
# The child under test: trap every signal into $1/sig, start a grandchild if asked, say ready,
# wait for the driver's plan in $1/go, record the final signal state, then do what the plan says.
# The traps come first: a signal the tool passes on at once (one pending when it started) must find
# them. The signal state is read by cat, whose mask and ignored set are the shell's as inherited (GNU
# grep would install its own handlers). It waits with bash's `read -t` on a fifo of its own, so no
# process of the child's group but the shell is there to receive, or be stopped by, a signal.
d=$1
for s in %(traps)s; do trap "echo $s >> $d/sig" $s 2>/dev/null; done
/bin/cat /proc/self/status > "$d/start-status"
if [ -e "$d/plan-grandchild" ]; then /bin/bash "$d/../grandchild.sh" "$d" & fi
mkfifo "$d/wait-fifo" && exec {wait}<>"$d/wait-fifo"
echo $$ > "$d/ready.tmp" && mv "$d/ready.tmp" "$d/ready"
n=0
while [ ! -e "$d/go" ]; do
    read -r -t 0.02 -u $wait; n=$((n+1)); [ $n -gt 3000 ] && exit 98
done
/bin/cat /proc/$$/status > "$d/end-status"
read plan code < "$d/go"
case $plan in
    exit) exit "$code" ;;
    signal) trap - "$code"; kill -s "$code" $$; exit 99 ;;
    stop) kill -s STOP $$; exit 3 ;;
esac
exit 97
"""

GRANDCHILD = r"""#!/bin/bash
# A grandchild left behind: logs what it receives into $1/gc-sig until the run's cleanup kills it.
# Its own bound, 300 s of wall-clock time, only keeps a crashed driver from leaving it for ever; one
# near a case's length would run out on a loaded machine while the driver still sends it signals, and
# it would be seen as gone, or as never receiving them.
d=$1
for s in %(traps)s; do trap "echo $s >> $d/gc-sig" $s 2>/dev/null; done
mkfifo "$d/gc-fifo" && exec {wait}<>"$d/gc-fifo"
echo $BASHPID > "$d/gc-ready.tmp" && mv "$d/gc-ready.tmp" "$d/gc-ready"
while [ $SECONDS -lt 300 ]; do read -r -t 1 -u $wait; done
"""

BASH_RESETS = [signal.SIGINT, signal.SIGQUIT, signal.SIGCHLD, signal.SIGCONT, signal.SIGURG, signal.SIGWINCH,
               signal.SIGTSTP, signal.SIGTTIN, signal.SIGTTOU]
TRAPPED = [s for s in CATCHABLE if s != signal.SIGCHLD]


def signame(s):
    try:
        return signal.Signals(s).name
    except ValueError:
        return "SIGRTMIN+%d" % (s - SIGRTMIN) if s >= SIGRTMIN else str(s)


# ---------------------------------------------------------------- case generation

def gen_bytes(rng):
    """A string of bytes: often empty or odd (not UTF-8, newlines, spaces, glob and shell characters)."""
    choice = rng.random()
    if choice < 0.2:
        return b""
    if choice < 0.4:
        return bytes(rng.choice([0xff, 0xfe, 0xe9, 0xc3, 0x80]) for _ in range(rng.randint(1, 3)))
    parts = [b"a", b" ", b"\n", b"*", b"$HOME", b"'", b"\xe9t\xe9", b"-", b"--", b"=", b"x\xffy"]
    return b"".join(rng.choice(parts) for _ in range(rng.randint(1, 4)))


def gen_signal_set(rng, pool, density):
    return sorted(s for s in pool if rng.random() < density)


def gen_state(rng, pair, pid1, emulated=False):
    """The starting state the launcher creates before it execs the tool. Emulated (qemu-user), the
    signal state is left empty: qemu keeps its own handlers for the faults and takes real-time
    signals for itself, so what the guest execs does not inherit the guest's mask and ignored set."""
    state = {}
    # Mask and ignored set over 1-64: sometimes empty, sometimes a few, sometimes most signals.
    density = rng.choice([0, 0, 0.05, 0.2, 0.6])
    state["mask"] = gen_signal_set(rng, CATCHABLE, density)
    density = rng.choice([0, 0, 0.05, 0.2, 0.6])
    state["ignore"] = gen_signal_set(rng, CATCHABLE, density)
    if rng.random() < 0.25:  # the classic starting states: a background job's, and faults ignored
        state["ignore"] = sorted(set(state["ignore"]) | {signal.SIGINT, signal.SIGQUIT})
    if rng.random() < 0.2:
        state["ignore"] = sorted(set(state["ignore"]) | {rng.choice(FAULTS)})
    if rng.random() < 0.1:
        state["ignore"] = sorted(set(state["ignore"]) | {signal.SIGCHLD})
    if pid1:  # unshare --fork sets SIGCHLD back to its default action to wait for its child
        state["ignore"] = [s for s in state["ignore"] if s != signal.SIGCHLD]
    # Pending at exec: blocked signals raised before the exec (not through unshare, whose fork drops them).
    # Faults are left out: tini leaves them unblocked, as it must to die of a real fault, so a fault pending
    # at exec kills it; a state that makes sense for neither.
    # So are SIGTTIN and SIGTTOU: tini unblocks them before it ignores them, and stops. And the signals
    # bash sets at its start (which discards one already pending, so whether the child sees it depends
    # on how soon the tool passed it on, a race in the reporter, not in the tools).
    state["pending"] = [] if pid1 else [s for s in state["mask"] if s not in state["ignore"] and s not in FAULTS
                                        and s not in BASH_RESETS and rng.random() < 0.15]
    if emulated:
        state["mask"], state["ignore"], state["pending"] = [], [], []
    state["session"] = rng.choice(["leader", "member", "own-pgrp"])
    state["ctty"] = rng.random() < 0.35
    state["stdin"] = "pty" if state["ctty"] and rng.random() < 0.8 else rng.choice(["null", "pipe"])
    fds = []
    for fd in sorted(rng.sample(range(3, 14), rng.randint(0, 4))):
        fds.append((fd, rng.choice(["null", "file", "pipe", "dir"]), rng.random() < 0.5))
    state["fds"] = fds
    state["cwd"] = rng.choice(["/", "run", "odd"])
    state["umask"] = rng.choice([0o022, 0o077, 0o000, 0o027, 0o777])
    env = {b"PATH": b"/usr/local/bin:/usr/bin:/bin", b"LC_ALL": b"C"}
    for _ in range(rng.randint(0, 4)):
        key = rng.choice([b"E", b"EMPTY", b"K\xff", b"X_Y", b"HOME", b"lower"]) + str(rng.randint(0, 9)).encode()
        env[key] = gen_bytes(rng)
    state["env"] = env
    state["args"] = [gen_bytes(rng) for _ in range(rng.randint(0, 3))]
    return state


def gen_plan(rng, emulated=False):
    """What the child does once the driver says go."""
    kind = rng.choices(["exit", "signal", "stop", "grandchild"], [5, 2, 1, 2])[0]
    if kind == "exit" or kind == "grandchild":
        code = rng.choice([0, 0, 1, 2, 3, 42, 126, 127, 128, 143, 255])
        return {"kind": kind, "code": code}
    if kind == "signal":
        return {"kind": "signal", "code": rng.choice([signal.SIGTERM, signal.SIGINT, signal.SIGKILL, signal.SIGUSR1,
                                                      signal.SIGSEGV, signal.SIGHUP,
                                                      # qemu-user numbers real-time signals its own way
                                                      signal.SIGUSR2 if emulated else SIGRTMIN + 3])}
    return {"kind": "stop", "code": 3}


SWINIT_RUNNING_SIGNALS = [signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2,
                          signal.SIGWINCH, signal.SIGCONT, signal.SIGCHLD, signal.SIGALRM, signal.SIGPIPE, signal.SIGTSTP,
                          signal.SIGTTIN, signal.SIGTTOU, signal.SIGURG, signal.SIGPWR, SIGRTMIN, SIGRTMIN + 5, 64]
SWINIT_AFTER_SIGNALS = [signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGUSR1, signal.SIGWINCH, signal.SIGCONT,
                        signal.SIGCHLD]


def gen_swinit_case(rng, emulated):
    flags = []
    env_flags = {}
    # Where it runs: PID 1 of a new PID namespace, a subreaper (-s or TINI_SUBREAPER), or neither.
    modes = ["pid1", "pid1", "-s", "-s", "TINI_SUBREAPER", "plain"] if not emulated else ["pid1", "pid1", "plain"]
    mode = rng.choice(modes)
    if mode == "-s":
        flags.append("-s")
    elif mode == "TINI_SUBREAPER":
        env_flags[b"TINI_SUBREAPER"] = rng.choice([b"1", b"", b"yes"])
    if rng.random() < 0.3:
        flags.append("-g")
    elif rng.random() < 0.1:
        env_flags[b"TINI_KILL_PROCESS_GROUP"] = b"1"
    if rng.random() < 0.25:
        flags += ["-e", str(rng.choice([0, 1, 3, 42, 143, 255]))]
    if rng.random() < 0.2:
        flags.append("-w")
    verbosity = rng.choices([0, 1, 2, 3], [6, 3, 1, 1])[0]
    if verbosity and rng.random() < 0.3:
        env_flags[b"TINI_VERBOSITY"] = str(verbosity).encode()
    elif verbosity:
        flags.append("-" + "v" * verbosity)
    pdeath = None
    if rng.random() < 0.15:
        pdeath = rng.choice(["SIGTERM", "SIGUSR1", "SIGHUP", "SIGKILL"])
        flags += ["-p", pdeath]
    rng.shuffle(flags) if rng.random() < 0.3 and "-e" not in flags and "-p" not in flags else None
    command = rng.choices(["reporter", "missing", "directory", "not-executable"], [20, 1, 1, 1])[0]
    if emulated and command != "reporter":
        command = "reporter"  # qemu-user never passes an exec failure's report back to the parent
    nested = command == "reporter" and mode != "pid1" and rng.random() < 0.12 and not emulated  # the outer one is -s
    state = gen_state(rng, "swinit", mode == "pid1", emulated)
    if "-g" in flags or b"TINI_KILL_PROCESS_GROUP" in env_flags:
        # tini sends a signal that was pending when it started to the child's group before the child
        # has made it (kill fails, 'Child was dead when forwarding signal', the signal is lost): a race
        # of the reference, so no pending signals with -g.
        state["pending"] = []
    state["env"].update(env_flags)
    plan = gen_plan(rng, emulated)
    events = {"pending": state["pending"],
              "running": [rng.choice([s for s in SWINIT_RUNNING_SIGNALS if not (emulated and s >= SIGRTMIN)])
                          for _ in range(rng.choices([0, 1, 2, 3], [3, 4, 2, 1])[0])],
              "after": [], "parent-death": False}
    if pdeath and state["session"] != "leader" and mode != "pid1" and not nested and rng.random() < 0.6:
        events["parent-death"] = True
    if plan["kind"] != "grandchild" and rng.random() < 0.2:
        events["after"] = [rng.choice(SWINIT_AFTER_SIGNALS)]
    return {"pair": "swinit", "mode": mode, "flags": flags, "command": command, "nested": nested,
            "state": state, "plan": plan, "events": events, "verbosity": verbosity}


def gen_timeout_case(rng, emulated):
    def timeout_flags(short):
        flags = []
        if rng.random() < 0.4:
            flags += ["-s", rng.choice(["TERM", "INT", "HUP", "KILL", "USR1", "QUIT", "ALRM", "RTMIN+1", "CONT", "9"])]
        if rng.random() < 0.2:
            flags.append("--foreground")
        if rng.random() < 0.25:
            flags.append("--preserve-status")
        if rng.random() < 0.25:
            flags.append("-v")
        # Not with -s ALRM: GNU ignores SIGALRM once it has sent it to its group, and its -k timer is a
        # SIGALRM, so the KILL never comes (the reference fails; ours sends it).
        if short and rng.random() < 0.3 and "ALRM" not in flags:
            flags += ["-k", "0.5"]
        return flags
    short = rng.random() < 0.3
    flags = timeout_flags(short) + (["0.3"] if short else ["30"])
    nested = rng.random() < 0.15
    outer = []
    if nested:
        outer = timeout_flags(False) + ["40"]
    command = rng.choices(["reporter", "missing", "directory", "not-executable", "dot"], [20, 1, 1, 1, 1])[0]
    state = gen_state(rng, "timeout", False)
    plan = gen_plan(rng)
    events = {"pending": state["pending"],
              "running": [] if short else [rng.choice([signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT,
                                                       signal.SIGALRM, signal.SIGCHLD, signal.SIGCONT, signal.SIGWINCH,
                                                       signal.SIGTTIN, signal.SIGTTOU, signal.SIGUSR1])
                                          for _ in range(rng.choices([0, 1, 2], [3, 4, 2])[0])],
              "after": [], "parent-death": False}
    if "--foreground" in flags + outer:
        # --foreground leaves SIGTTIN and SIGTTOU at their default action in timeout (GNU's and ours):
        # one stops it, and the case would only wait out its bound.
        events["running"] = [s for s in events["running"] if s not in (signal.SIGTTIN, signal.SIGTTOU)]
    if plan["kind"] != "grandchild" and rng.random() < 0.2:
        # Only signals neither timeout acts on: one it acts on may come before or after it has seen
        # the command end, and -v's message with it.
        acted_on = {timeout_signal(flags)} | ({timeout_signal(outer)} if nested else set())
        events["after"] = [rng.choice([s for s in (signal.SIGCHLD, signal.SIGCONT, signal.SIGWINCH) if s not in acted_on])]
    return {"pair": "timeout", "flags": flags, "outer": outer, "nested": nested, "short": short,
            "command": command, "state": state, "plan": plan, "events": events}


def timeout_signal(flags):
    """The signal a timeout command line sends when its time is up."""
    if "-s" not in flags:
        return signal.SIGTERM
    name = flags[flags.index("-s") + 1]
    if name.isdigit():
        return int(name)
    if name.startswith("RTMIN+"):
        return SIGRTMIN + int(name[6:])
    return getattr(signal, "SIG" + name)


def gen_case(pair, seed, index, emulated):
    rng = random.Random("%s:%d:%d" % (pair, seed, index))
    return (gen_swinit_case if pair == "swinit" else gen_timeout_case)(rng, emulated)


# ---------------------------------------------------------------- running one side

libc = ctypes.CDLL(None, use_errno=True)
PR_SET_CHILD_SUBREAPER = 36


def command_line(case, tool, rundir, base):
    """argv (bytes) for the launcher's exec."""
    reporter = os.path.join(base, "reporter.sh")
    target = {"reporter": reporter, "missing": base + "/no-such-program", "directory": base + "/a-directory",
              "not-executable": base + "/not-executable", "dot": "."}[case["command"]]
    child = [target.encode()] + ([rundir.encode()] + case["state"]["args"] if case["command"] == "reporter" else [])
    t = tool.encode()
    if case["pair"] == "swinit":
        inner = [t] + [f.encode() for f in case["flags"]] + [b"--"] + child
        argv = ([t, b"-s", b"--"] + inner) if case["nested"] else inner
        if case["mode"] == "pid1":
            argv = [b"/usr/bin/unshare", b"--pid", b"--fork", b"--mount-proc"] + argv
        return argv
    inner = [t] + [f.encode() for f in case["flags"]] + child
    return ([t] + [f.encode() for f in case["outer"]] + inner) if case["nested"] else inner


def set_signal_state(state, sigchld_default, ask_w, ack_r):
    for s in CATCHABLE:
        signal.signal(s, signal.SIG_DFL)
    for s in state["ignore"]:
        if s == signal.SIGCHLD and sigchld_default:
            continue
        signal.signal(s, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_SETMASK, state["mask"])
    if state["pending"]:
        # Another process (the driver) sends them, as a signal that came before the exec would be.
        os.write(ask_w, b"%d\n" % os.getpid())
        os.read(ack_r, 1)


def launcher(case, argv, rundir, report_w, hold_r, slave, sigchld_default, ask_w, ack_r):
    """Runs in the forked session leader S; never returns."""
    try:
        state = case["state"]
        # Out of the way of the descriptors the state asks for (all close-on-exec).
        report_w = fcntl.fcntl(report_w, fcntl.F_DUPFD_CLOEXEC, 600)
        hold_r = fcntl.fcntl(hold_r, fcntl.F_DUPFD_CLOEXEC, 600)
        ask_w = fcntl.fcntl(ask_w, fcntl.F_DUPFD_CLOEXEC, 600)
        ack_r = fcntl.fcntl(ack_r, fcntl.F_DUPFD_CLOEXEC, 600)
        if slave >= 0:
            slave = fcntl.fcntl(slave, fcntl.F_DUPFD_CLOEXEC, 600)
        os.setsid()
        if state["ctty"]:
            fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        if state["session"] != "leader":
            child = os.fork()
            if child:
                os.write(report_w, b"%d\n" % child)
                _, status = os.waitpid(child, 0)
                os.write(report_w, b"%d\n" % status)
                while os.read(hold_r, 1):
                    pass
                os._exit(0)
            if state["session"] == "own-pgrp":
                os.setpgid(0, 0)
        else:
            os.write(report_w, b"%d\n" % os.getpid())
        os.chdir({"/": "/", "run": rundir, "odd": os.path.join(rundir, "..", "odd \xe9 dir")}[state["cwd"]])
        os.umask(state["umask"])
        sources = {}
        sources[0] = {"pty": lambda: os.dup(slave), "null": lambda: os.open("/dev/null", os.O_RDONLY),
                      "pipe": lambda: os.pipe()[0]}[state["stdin"]]()
        sources[1] = os.open(os.path.join(rundir, "out"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        sources[2] = os.open(os.path.join(rundir, "err"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        for fd, kind, _ in state["fds"]:
            sources[fd] = {"null": lambda: os.open("/dev/null", os.O_RDWR),
                           "file": lambda: os.open(os.path.join(rundir, "held"), os.O_RDWR | os.O_CREAT, 0o600),
                           "pipe": lambda: os.pipe()[1],
                           "dir": lambda: os.open("/", os.O_RDONLY | os.O_DIRECTORY)}[kind]()
        moved = {}
        for target, fd in sources.items():
            moved[target] = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 500)
        for target, fd in moved.items():
            os.dup2(fd, target, inheritable=True)
        for fd, _, cloexec in state["fds"]:
            if cloexec:
                os.set_inheritable(fd, False)
        wanted = set(moved) | {report_w, hold_r, ask_w, ack_r}
        for fd in range(0, 1024):
            if fd not in wanted:
                try:
                    os.close(fd)
                except OSError:
                    pass
        import resource
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        set_signal_state(state, sigchld_default, ask_w, ack_r)
        os.execve(argv[0], argv, {**state["env"], **SANITIZER_ENV})
    except BaseException:
        try:
            os.write(2, traceback.format_exc().encode())
        finally:
            os._exit(121)


def read_file(path, default=None, mode="r"):
    try:
        with open(path, mode) as f:
            return f.read()
    except OSError:
        return default


def proc_children(pid):
    text = read_file("/proc/%d/task/%d/children" % (pid, pid), "")
    return [int(p) for p in text.split()]


def descendants(pid):
    """Every process below `pid`, following /proc's children lists."""
    found, queue = [], [pid]
    while queue:
        for child in proc_children(queue.pop()):
            found.append(child)
            queue.append(child)
    return found


def find_reporter(rundir):
    """The child's pid (in our namespace): the process below this worker whose cmdline is bash REPORTER RUNDIR ..."""
    needle = rundir.encode()
    for pid in descendants(os.getpid()):
        parts = read_file("/proc/%d/cmdline" % pid, b"", "rb").split(b"\0")
        if len(parts) > 2 and parts[0] == b"/bin/bash" and parts[1].endswith(b"/reporter.sh") and parts[2] == needle:
            return pid
    return None


def stat_fields(pid):
    text = read_file("/proc/%d/stat" % pid)
    if not text:
        return None
    return text[text.rindex(")") + 2:].split()  # [0]=state [1]=ppid [2]=pgrp [3]=session [4]=tty_nr [5]=tpgid


def sig_lines(status_text, names):
    out = {}
    for line in (status_text or "").splitlines():
        key, _, value = line.partition(":")
        if key in names:
            out[key] = value.strip()
    return out


def mask_names(hexmask):
    bits = int(hexmask, 16)
    return " ".join(signame(s) for s in range(1, 65) if bits & (1 << (s - 1))) or "-"


def wait_until(predicate, bound, step=0.005):
    deadline = time.monotonic() + bound * SLOWDOWN
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


class Run:
    """One side of a case: launch, drive the events, observe."""

    def __init__(self, case, tool, base, sigchld_default):
        self.case, self.tool, self.base = case, tool, base
        self.rundir = tempfile.mkdtemp(prefix="run-", dir=base)
        self.sigchld_default = sigchld_default
        self.result = {}
        self.pids = {}

    def log_signals(self, name):
        return [signame(int(s)) for s in (read_file(os.path.join(self.rundir, name), "") or "").split()]

    def execute(self):
        case, state, events = self.case, self.case["state"], self.case["events"]
        if case["plan"]["kind"] == "grandchild":
            open(os.path.join(self.rundir, "plan-grandchild"), "w").close()
        argv = command_line(case, self.tool, self.rundir, self.base)
        master = slave = -1
        if state["ctty"] or state["stdin"] == "pty":
            master, slave = os.openpty()
        report_r, report_w = os.pipe()
        hold_r, hold_w = os.pipe()
        ask_r, ask_w = os.pipe()
        ack_r, ack_w = os.pipe()
        s = os.fork()
        if s == 0:
            launcher(case, argv, self.rundir, report_w, hold_r, slave, self.sigchld_default, ask_w, ack_r)
        for fd in (report_w, hold_r, ask_w, ack_r):
            os.close(fd)
        if state["pending"]:
            asked = os.read(ask_r, 64)
            if asked:
                for sig in state["pending"]:
                    os.kill(int(asked), sig)
                os.write(ack_w, b"!")
        os.close(ask_r)
        os.close(ack_w)
        if slave >= 0:
            os.close(slave)
        if master >= 0:
            os.set_blocking(master, False)
        self.session = s
        try:
            self.drive(s, report_r, master)
        finally:
            self.cleanup(s, hold_w, report_r, master)
        return self.result

    def drain(self, master):
        if master >= 0:
            try:
                while os.read(master, 4096):
                    pass
            except OSError:
                pass

    def drive(self, s, report_r, master):
        case, events = self.case, self.case["events"]
        leader = case["state"]["session"] == "leader"
        report = b""
        while b"\n" not in report:
            chunk = os.read(report_r, 64)
            if not chunk:
                self.result["launch"] = "launcher died"
                return
            report += chunk
        first, _, rest = report.partition(b"\n")
        launched = int(first)
        self.pids["launched"] = launched
        report_buffer = [rest]

        def exit_status():
            """The launched process's wait status once it has ended, else None."""
            if getattr(self, "launched_status", None) is not None:
                return self.launched_status
            if leader:
                pid, status = os.waitpid(launched, os.WNOHANG)
                if pid:
                    self.launched_status = status
                return getattr(self, "launched_status", None)
            try:
                pid, status = os.waitpid(launched, os.WNOHANG)  # ours after S died (we are a subreaper)
                if pid:
                    self.launched_status = status
                    return status
            except ChildProcessError:
                pass
            os.set_blocking(report_r, False)
            try:
                chunk = os.read(report_r, 64)
                report_buffer[0] += chunk
            except BlockingIOError:
                pass
            if report_buffer[0].endswith(b"\n"):
                self.launched_status = int(report_buffer[0])
            return getattr(self, "launched_status", None)

        ready = os.path.join(self.rundir, "ready")
        up = wait_until(lambda: os.path.exists(ready) or exit_status() is not None or self.drain(master), 20)
        child = find_reporter(self.rundir) if os.path.exists(ready) else None
        if child:
            self.observe_start(child)
            if case["plan"]["kind"] == "grandchild":
                wait_until(lambda: os.path.exists(os.path.join(self.rundir, "gc-ready")), 10)
            tool = self.pids["tool"] = self.tool_pid(launched, child)
            for sig in events["running"]:
                # What the child and the grandchild had logged before this signal, read before it is
                # sent: a quick tool passes it on before the next line of this driver runs.
                child_log, gc_log = self.log_signals("sig"), self.log_signals("gc-sig")
                try:
                    os.kill(tool, sig)
                except ProcessLookupError:
                    break  # a signal before this one ended the tool (GNU timeout dies of SIGUSR1)
                # Until the child has it (so the next one comes after it), briefly when it may never.
                # An ignored signal the child has blocked waits pending, but only until bash unblocks
                # it and so discards it: it is looked for as pending, briefly.
                invisible = sig in case["state"]["ignore"] or sig in (signal.SIGCHLD, signal.SIGTTIN, signal.SIGTTOU)
                if case["pair"] == "timeout":  # it passes on only the signals it handles
                    invisible = sig not in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT,
                                            signal.SIGALRM, timeout_signal(case["flags"]))
                # Arrived: logged once more, or (blocked in the child) logged or pending. bash blocks
                # signals for moments of its own, so pending alone is not yet received.
                group = "-g" in case.get("flags", []) or b"TINI_KILL_PROCESS_GROUP" in case["state"]["env"]
                expected = sig
                if case["pair"] == "timeout" and sig == signal.SIGALRM:
                    # SIGALRM is the time running out: the command gets -s's signal.
                    expected = timeout_signal(case["outer"] if case["nested"] else case["flags"])
                    invisible = invisible or expected in (signal.SIGKILL, signal.SIGCONT)
                blocked = expected in case["state"]["mask"]
                name = signame(expected)
                before, gc_before = child_log.count(name), gc_log.count(name)
                wait_until(lambda: (self.log_signals("sig").count(name) > before
                                              or (blocked and self.pending_in(child, expected)))
                                     and (not group or case["plan"]["kind"] != "grandchild"
                                          or self.log_signals("gc-sig").count(name) > gc_before),
                                     0.03 if invisible else 3)

            if events["parent-death"]:
                flags = case["flags"]
                sig = getattr(signal, flags[flags.index("-p") + 1])
                before = self.log_signals("sig").count(signame(sig))
                os.kill(s, signal.SIGKILL)
                os.waitpid(s, 0)
                # The tool gets -p's signal and passes it on (SIGKILL kills the tool: nothing to wait for).
                if sig != signal.SIGKILL and sig not in case["state"]["ignore"]:
                    wait_until(lambda: self.log_signals("sig").count(signame(sig)) > before
                               or (sig in case["state"]["mask"] and self.pending_in(child, sig)), 3)
            if case["pair"] == "timeout" and case["short"]:
                self.wait_for_timeout(child, exit_status)
            plan = case["plan"]
            self.go(plan)
            if plan["kind"] == "stop":
                # Until it has stopped, or is gone (a -k KILL may have come first).
                if wait_until(lambda: (stat_fields(child) or ["X"])[0] in ("T", "Z", "X"), 10) \
                        and (stat_fields(child) or ["X"])[0] == "T":
                    try:
                        os.kill(tool, signal.SIGCONT)
                    except ProcessLookupError:
                        pass
                    if not wait_until(lambda: (stat_fields(child) or ["X"])[0] != "T", 2):
                        self.result["stop"] = "SIGCONT to the tool did not continue the stopped child"
                        os.kill(child, signal.SIGCONT)
            if events["after"]:
                wait_until(lambda: (stat_fields(child) or ["Z"])[0] == "Z", 10)
                for sig in events["after"]:
                    try:
                        os.kill(tool, sig)
                    except ProcessLookupError:
                        pass
        elif os.path.exists(ready):
            self.result["launch"] = "the reporter said ready but is not to be found"
        bound = 10
        if not wait_until(lambda: exit_status() is not None or self.drain(master), bound):
            self.result["exit"] = "did not exit within %g s" % (bound * SLOWDOWN)
            self.hang = os.popen("ps -o pid,stat,wchan:24,args -s %d" % s).read()
            return
        status = exit_status()
        if os.WIFSIGNALED(status):
            self.result["exit"] = "killed by %s" % signame(os.WTERMSIG(status))
        else:
            self.result["exit"] = "exit %d" % os.WEXITSTATUS(status)
        if child:
            # The signals it received, in order; those it had blocked, as a set: bash takes a blocked
            # one at a moment of its own choosing (its `read -t` unblocks them) or leaves it pending.
            blocked = set(self.case["state"]["mask"])
            logged = [int(s) for s in (read_file(os.path.join(self.rundir, "sig"), "") or "").split()]
            received = [s for s in logged if s not in blocked]
            if self.case["pair"] == "timeout":
                # Each signal timeout passes on goes to the command and to its group, with a SIGCONT
                # after it: how many of the copies bash takes apart, and whether the SIGCONT comes
                # before the command ends, is timing.
                received = sorted(set(received) - {signal.SIGCONT})
            self.result["child-signals"] = " ".join(signame(s) for s in received) or "-"
            end = sig_lines(read_file(os.path.join(self.rundir, "end-status")), ("SigPnd", "ShdPnd"))
            pending = {s for s in range(1, 65) for v in end.values() if int(v, 16) & (1 << (s - 1))}
            received = sorted((set(logged) & blocked) | pending)
            self.result["child-blocked-signals"] = " ".join(signame(s) for s in received) or "-"
        if case["plan"]["kind"] == "grandchild":
            gc = read_file(os.path.join(self.rundir, "gc-ready"), "").strip()
            time.sleep(0.05)
            if gc and case.get("mode") != "pid1":
                self.result["grandchild-after-exit"] = "running" if (stat_fields(self.outer_pid(gc)) or ["Z"])[0] != "Z" else "gone"
            gc = self.log_signals("gc-sig")
            self.result["grandchild-signals"] = " ".join(sorted(set(gc)) if self.case["pair"] == "timeout" else gc) or "-"
        self.result["stdout"] = self.normalized(read_file(os.path.join(self.rundir, "out"), "", "rb"))
        self.result["stderr"] = self.normalized(read_file(os.path.join(self.rundir, "err"), "", "rb"))

    def outer_pid(self, gc):
        return int(gc) if gc.isdigit() else 0

    def wait_for_timeout(self, child, exit_status):
        """A short timeout: let it fire. With -k the child is killed; otherwise once the signal landed
        (logged, pending, or after a bound when it is invisible to the child) the child is told to go."""
        flags = self.case["flags"]
        if "-k" in flags:
            wait_until(lambda: (stat_fields(child) or ["Z"])[0] == "Z", 10)
            return
        sent = timeout_signal(flags)
        wait_until(lambda: self.log_signals("sig") or (stat_fields(child) or ["Z"])[0] == "Z"
                   or (sent and self.pending_in(child, sent)), 2)

    def pending_in(self, pid, sig):
        lines = sig_lines(read_file("/proc/%d/status" % pid), ("SigPnd", "ShdPnd"))
        return any(int(v, 16) & (1 << (sig - 1)) for v in lines.values())


    def go(self, plan):
        path = os.path.join(self.rundir, "go")
        with open(path + ".tmp", "w") as f:
            f.write("%s %d\n" % ("exit" if plan["kind"] == "grandchild" else plan["kind"], plan["code"]))
        os.rename(path + ".tmp", path)

    def tool_pid(self, launched, child):
        """Whom the events are sent to: the outermost tool (under unshare, its child)."""
        if self.case.get("mode") == "pid1":
            kids = proc_children(launched)
            return kids[0] if kids else launched
        return launched

    def observe_start(self, child):
        status = read_file(os.path.join(self.rundir, "start-status"))
        lines = sig_lines(status, ("SigBlk", "SigIgn", "Umask"))
        for key in ("SigBlk", "SigIgn"):
            if key in lines:
                self.result["child-" + key] = mask_names(lines[key])
        self.result["child-umask"] = lines.get("Umask", "?")
        fields = stat_fields(child)
        tool = self.tool_pid(self.pids["launched"], child)
        roles = {child: "child", tool: "tool", self.session: "launcher-session", 0: "0", -1: "none"}
        if self.case.get("nested"):
            roles[fields and int(fields[1])] = "inner-tool"
        if fields:
            def role(v):
                return roles.get(int(v), "other")
            self.result["child-pgrp"] = role(fields[2])
            self.result["child-session"] = role(fields[3])
            self.result["child-tty"] = "none" if fields[4] == "0" else "the pty"
            self.result["child-foreground"] = role(fields[5])
        self.result["child-argv"] = repr(self.normalized(read_file("/proc/%d/cmdline" % child, b"", "rb")))
        self.result["child-env"] = repr(sorted(read_file("/proc/%d/environ" % child, b"", "rb").split(b"\0")))
        try:
            self.result["child-cwd"] = self.normalized(os.readlink("/proc/%d/cwd" % child).encode("utf-8", "surrogateescape"))
        except OSError:
            self.result["child-cwd"] = "?"
        # A trap that runs (a signal that was pending) moves the shell's descriptors for a moment:
        # the snapshot is the first that two reads 20 ms apart agree on.
        previous = None
        for _ in range(10):
            fds = self.descriptors(child)
            if fds == previous:
                break
            previous = fds
            time.sleep(0.02)
        self.result["child-fds"] = " ".join(fds)

    def descriptors(self, child):
        fds = []
        try:
            for name in sorted(os.listdir("/proc/%d/fd" % child), key=int):
                try:
                    target = os.readlink("/proc/%d/fd/%s" % (child, name))
                except OSError:
                    continue
                if target.endswith(("/reporter.sh", "/wait-fifo", "/sig", "/gc-sig")):
                    continue  # the shell's own descriptors: its script, its wait, a trap's log
                flags = sig_lines(read_file("/proc/%d/fdinfo/%s" % (child, name)), ("flags",)).get("flags", "?")
                target = re.sub(r"^(pipe|socket|anon_inode):\[?\d*\]?", r"\1", target)
                target = re.sub(r"^/dev/pts/\d+$", "/dev/pts/N", target)
                fds.append("%s:%s:%s" % (name, self.normalized(target.encode()), flags))
        except OSError:
            pass
        return fds

    def normalized(self, data):
        text = data.decode("utf-8", "backslashreplace")
        text = text.replace(self.rundir, "RUN").replace(self.base, "BASE").replace(self.tool, "TOOL")
        return text

    def cleanup(self, s, hold_w, report_r, master):
        """Kill whatever this run left in its session, reap it, remove the run's files."""
        # This worker is a subreaper and runs one case at a time: whatever the run left is below it.
        for _ in range(3):
            for pid in descendants(os.getpid()):
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        os.close(hold_w)
        os.close(report_r)
        if master >= 0:
            os.close(master)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                time.sleep(0.005)
        import shutil
        shutil.rmtree(self.rundir, ignore_errors=True)


# ---------------------------------------------------------------- comparing

def normalize_messages(text, pair):
    """The program name and pids out of the messages, so two tools' lines can be compared."""
    text = re.sub(r"\b(tini|swinit)\b", "PROG", text)
    text = text.replace(" PID 1 ", " PID one ")
    text = re.sub(r"\bTOOL\b", "PROG", text)
    text = re.sub(r"\(\d+\)", "(PID)", text)
    text = re.sub(r"pid '\d+'", "pid 'PID'", text)
    text = re.sub(r"(PID|pid) \d+", r"\1 PID", text)
    if pair == "timeout":
        text = re.sub(r"^/usr/bin/timeout:|^timeout:", "PROG:", text, flags=re.M)
    return text


# Debug and trace lines (-vv, -vvv): each tool's own.
DEBUG_LINES = re.compile(r"\[(DEBUG|TRACE) ")


def adjust(case, peer, ours, applied):
    """Applies the rows of INTENDED that this case meets, to the peer's observations."""
    if case["pair"] != "swinit":
        return
    if signal.SIGCHLD in case["state"]["ignore"]:
        applied.add("sigchld-ignored")
        if "child-SigIgn" in peer:
            names = set(peer["child-SigIgn"].split()) - {"-"}
            names.add("SIGCHLD")
            peer["child-SigIgn"] = " ".join(signame(s) for s in range(1, 65) if signame(s) in names)
    if peer.get("exit", "").startswith("killed by") and "stderr" in ours:
        # tini's INFO lines were in its stdout buffer when it was killed.
        kept = "".join(l for l in ours["stderr"].splitlines(keepends=True) if not l.startswith("[INFO "))
        if kept != ours["stderr"]:
            applied.add("stderr-only")
            ours["stderr"] = kept
    if peer.get("stdout"):
        applied.add("stderr-only")
        peer["stderr"] = peer.get("stderr", "") + peer["stdout"]
        peer["stdout"] = ""
    if "stderr" not in peer:
        return
    text = peer["stderr"]
    new = re.sub(r"\(with signal '([^']*)'\)", lambda m: "(with signal '%s')" % description_to_name(m.group(1)), text)
    if new != text:
        applied.add("signal-names")
    lines = new.splitlines(keepends=True)
    kept = [l for l in lines if not DEBUG_LINES.search(l)]
    if len(kept) != len(lines):
        applied.add("debug-lines")
    if "stderr" in ours:
        ours["stderr"] = "".join(l for l in ours["stderr"].splitlines(keepends=True) if not DEBUG_LINES.search(l))
    if case["command"] != "reporter":
        spawned = [l for l in kept if "Spawned child process" in l]
        if spawned:
            applied.add("no-spawned-line-on-exec-failure")
            kept = [l for l in kept if l not in spawned]
    if case["command"] == "directory":
        before = kept
        kept = [l.replace("failed: Permission denied", "failed: Is a directory") for l in kept]
        if kept != before:
            applied.add("directory-message")
    text = "".join(kept)
    warning = re.compile(r"\[WARN  tini \((\d+)\)\] Tini is not running as PID 1 and isn't registered as a child subreaper.\n"
                         r"Zombie processes will not be re-parented to Tini, so zombie reaping won't work.\n"
                         r"To fix the problem, use the -s option or set the environment variable TINI_SUBREAPER to "
                         r"register Tini as a child subreaper, or run Tini as PID 1.\n")
    new = warning.sub(lambda m: "[WARN  swinit (%s)] swinit is not running as PID 1 and isn't registered as a child "
                      "subreaper. Zombie processes will not be re-parented to swinit, so zombie reaping won't work. "
                      "To fix the problem, use the -s option or set the environment variable TINI_SUBREAPER (or "
                      "SWINIT_SUBREAPER) to register swinit as a child subreaper, or run swinit as PID 1.\n" % m.group(1), text)
    if new != text:
        applied.add("one-line-warning")
    peer["stderr"] = new


DESCRIPTIONS = {}


def description_to_name(text):
    if not DESCRIPTIONS:
        for s in range(1, 65):
            try:
                DESCRIPTIONS[signal.strsignal(s)] = signame(s)
            except (ValueError, OSError):
                pass
    return DESCRIPTIONS.get(text, text)


def compare(case, peer, ours, emulated=False):
    applied = set()
    if emulated:
        # Without binfmt_misc, scripts/test starts the emulated binary from a sh wrapper, and sh adds
        # PWD and drops names that are not identifiers.
        peer.pop("child-env", None)
        ours.pop("child-env", None)
        # qemu-user's own C library takes signals 32 and 33 for itself, so their state in the child
        # is the emulator's, not the tool's.
        for side in (peer, ours):
            for key in ("child-SigIgn", "child-SigBlk"):
                if key in side:
                    side[key] = " ".join(n for n in side[key].split() if n not in ("32", "33")) or "-"
    adjust(case, peer, ours, applied)
    for side in (peer, ours):
        for key in ("stdout", "stderr"):
            if key in side:
                # Sorted: the lines a forked child writes (an exec failure) and the parent's race.
                lines = normalize_messages(side[key], case["pair"]).splitlines(keepends=True)
                if case["pair"] == "timeout":
                    # A timeout under timeout gets each signal twice (to it, to its group), and says
                    # so once or twice as the two copies come together or apart.
                    lines = set(lines)
                side[key] = "".join(sorted(lines))
    if case["pair"] == "timeout" and signal.SIGALRM in case["state"]["pending"]:
        # Time already up at the start: GNU acts on the pending SIGALRM before or after its fork, as it
        # happens, and so the command gets -s's signal, or has it pending, or never sees it; ours the
        # same. Which one is timing in both tools: the exit and everything else is still compared.
        raced = {signame(timeout_signal(case["flags"])), "SIGCONT"}
        if case["nested"]:
            raced.add(signame(timeout_signal(case["outer"])))
        for side in (peer, ours):
            for key in ("child-signals", "child-blocked-signals", "grandchild-signals"):
                if key in side:
                    side[key] = " ".join(n for n in side[key].split() if n not in raced) or "-"
    diffs = []
    for key in sorted(set(peer) | set(ours)):
        if peer.get(key) != ours.get(key):
            diffs.append((key, peer.get(key), ours.get(key)))
    return diffs, applied


def describe(case):
    c = dict(case)
    c["state"] = dict(case["state"])
    s = c["state"]
    for key in ("mask", "ignore", "pending"):
        s[key] = " ".join(signame(x) for x in s[key]) or "-"
    s["env"] = {k: v for k, v in s["env"].items()}
    c["events"] = {k: ([signame(x) for x in v] if isinstance(v, list) else v) for k, v in case["events"].items()}
    return repr(c)


def run_case(job):
    """Runs a case; one that differs runs twice more, and fails only if it differs every time (a
    difference that comes and goes is timing on a loaded machine, and is counted as such)."""
    started = time.monotonic()
    for attempt in range(3):
        index, diffs, applied, case = run_case_once(job)
        if not diffs:
            break
    return index, diffs, applied, case, time.monotonic() - started, attempt


def run_case_once(job):
    pair, seed, index, peer_tool, ours_tool, base, emulated = job
    case = gen_case(pair, seed, index, emulated)
    try:
        ignores_chld = signal.SIGCHLD in case["state"]["ignore"] and pair == "swinit"
        peer_run = Run(case, peer_tool, base, sigchld_default=ignores_chld)
        peer = peer_run.execute()
        ours_run = Run(case, ours_tool, base, sigchld_default=False)
        ours = ours_run.execute()
        diffs, applied = compare(case, peer, ours, emulated)
        hangs = [run.hang for run in (peer_run, ours_run) if getattr(run, "hang", None)]
        if diffs and hangs:
            diffs.append(("hang", "\n".join(hangs), ""))
    except Exception:
        return index, [("harness", traceback.format_exc(), "")], set(), case
    return index, diffs, applied, case


def prepare_base():
    base = tempfile.mkdtemp(prefix="differential-")
    os.chmod(base, 0o755)
    traps = " ".join(str(s) for s in TRAPPED)
    for name, text in (("reporter.sh", REPORTER), ("grandchild.sh", GRANDCHILD)):
        with open(os.path.join(base, name), "w") as f:
            f.write(text % {"traps": traps})
        os.chmod(os.path.join(base, name), 0o755)
    os.mkdir(os.path.join(base, "a-directory"))
    os.mkdir(os.path.join(base, "odd \xe9 dir"))
    with open(os.path.join(base, "not-executable"), "w") as f:
        f.write("exit 0\n")
    return base


def worker_init():
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    if sys.argv[1:] == ["--table"]:  # the table of intended differences as docs/differential-tests.md shows it
        print("| pair | difference | why |\n| --- | --- | --- |")
        for pair, name, reason in INTENDED:
            print("| %s | `%s` | %s |" % (pair, name, reason))
        return
    parser.add_argument("pair", choices=["swinit", "timeout"])
    parser.add_argument("--peer", required=True)
    parser.add_argument("--ours", required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--cases", type=int, default=1, help="run cases 0..N-1 of the seed")
    parser.add_argument("--case", type=int, help="run this one case of the seed")
    parser.add_argument("--jobs", type=int, default=4)
    parser.add_argument("--emulated", action="store_true", help="ours runs under qemu-user: no subreaper, no exec reports")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    peer, ours = os.path.abspath(args.peer), os.path.abspath(args.ours)
    me = os.path.abspath(sys.argv[0])
    indexes = [args.case] if args.case is not None else list(range(args.cases))
    base = prepare_base()
    started = time.monotonic()
    failures = 0
    applied_total = {}
    durations = []
    retried = []
    jobs = [(args.pair, args.seed, i, peer, ours, base, args.emulated) for i in indexes]
    try:
        with multiprocessing.get_context("fork").Pool(args.jobs, initializer=worker_init) as pool:
            for index, diffs, applied, case, seconds, attempt in pool.imap_unordered(run_case, jobs):
                durations.append((seconds, index))
                if attempt and not diffs:
                    retried.append(index)
                for name in applied:
                    applied_total[name] = applied_total.get(name, 0) + 1
                if args.verbose or diffs:
                    print("%s case %d of seed %d: %s" % (args.pair, index, args.seed, describe(case)))
                if diffs:
                    failures += 1
                    for key, theirs, mine in diffs:
                        if key == "hang":
                            print("  processes left at the bound:\n" + theirs)
                            continue
                        print("  %s differs:\n    %s: %r\n    ours: %r" % (key, os.path.basename(peer), theirs, mine))
                    print("  reproduce: python3 %s %s --peer %s --ours %s --seed %d --case %d%s" % (
                        shlex.quote(me), args.pair, shlex.quote(peer), shlex.quote(ours), args.seed, index,
                        " --emulated" if args.emulated else ""))
    finally:
        import shutil
        shutil.rmtree(base, ignore_errors=True)
    elapsed = time.monotonic() - started
    applied = ", ".join("%s x%d" % kv for kv in sorted(applied_total.items())) or "none"
    if args.verbose:
        print("slowest cases: " + ", ".join("%d (%.1f s)" % (i, t) for t, i in sorted(durations, reverse=True)[:10]))
    # Figures for scripts/reliability-report, then the summary line the tests quote.
    print("cases=%d\nseed=%d\ndiffered=%d\nretried=%d\nseconds=%.0f\nintended=%s" % (
        len(indexes), args.seed, failures, len(retried), elapsed, applied))
    print("%s: %d cases of seed %d, %d differed (%d more passed only on a retry%s), in %.1f s; intended differences applied: %s" % (
        args.pair, len(indexes), args.seed, failures, len(retried),
        ": " + " ".join(map(str, sorted(retried))) if retried else "", elapsed, applied))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
