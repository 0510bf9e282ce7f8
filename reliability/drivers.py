#!/usr/bin/env python3
"""Storm and fault drivers for swinit and rebound, shared by Tests/IntegrationTests/ReliabilityTests.swift
(which asserts on their output) and scripts/reliability-report (which writes docs/reliability.md).

    drivers.py SCENARIO --swinit PATH --rebound PATH

Each scenario prints `key=value` lines. Every run of a binary is bounded by a timeout; a run that
overstays is SIGKILLed and reported as `<name>_hang=1`.
"""
import argparse, os, random, resource, shutil, signal, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
out_lines = []


def emit(key, value):
    print(f"{key}={value}", flush=True)


def compile_probe(directory):
    binary = os.path.join(directory, "probe")
    subprocess.run(["cc", "-O2", "-o", binary, os.path.join(HERE, "probe.c")], check=True, timeout=60)
    return binary


def wait_for(predicate, timeout):
    """Polls a condition every 5 ms (a file appearing, a line in a log) for at most `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.005)
    return False


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return b""


def run(name, argv, timeout, **kwargs):
    """Runs argv to its end within `timeout`; returns (exit code or -signal, stdout, stderr)."""
    process = subprocess.Popen(argv, stdout=kwargs.pop("stdout", subprocess.PIPE),
                               stderr=kwargs.pop("stderr", subprocess.PIPE), **kwargs)
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        emit(f"{name}_hang", 1)
    return process.returncode, out or b"", err or b""


def first_line(data):
    lines = data.decode("utf-8", "replace").strip().splitlines()
    return lines[0] if lines else ""


def parse_pairs(data):
    pairs = {}
    for line in data.decode().splitlines():
        if "=" in line:
            key, value = line.split("=", 1)
            pairs[key] = value
    return pairs


# ---- swinit ----

def signal_storm(a, d):
    probe = compile_probe(d)
    total = a.count or 100_000
    ready, counts = os.path.join(d, "ready"), os.path.join(d, "counts")
    swinit = subprocess.Popen([a.swinit, "-s", "--", probe, "count-signals", ready, counts, "23"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if not wait_for(lambda: os.path.exists(ready), 10):
        swinit.kill()
        emit("child_ready", 0)
        return
    start = time.monotonic()
    sender = subprocess.Popen([probe, "send", str(swinit.pid), str(total)], stdout=subprocess.PIPE)
    # While the storm runs, watch swinit's children: only the one child, never a zombie left behind.
    most_children = 0
    while sender.poll() is None:
        try:
            with open(f"/proc/{swinit.pid}/task/{swinit.pid}/children") as f:
                most_children = max(most_children, len(f.read().split()))
        except OSError:
            break
        time.sleep(0.01)
    try:
        sent, _ = sender.communicate(timeout=20)
        code = swinit.wait(timeout=20)
        err = swinit.stderr.read()
    except subprocess.TimeoutExpired:
        sender.kill(); swinit.kill()
        emit("storm_hang", 1)
        return
    emit("storm_seconds", f"{time.monotonic() - start:.2f}")
    sys.stdout.write(sent.decode())
    sys.stdout.write(read(counts).decode())
    emit("swinit_exit", code)
    emit("most_children", most_children)
    emit("swinit_stderr_lines", len(err.splitlines()))
    if err:
        emit("swinit_stderr_first", first_line(err))


def orphan_storm(a, d):
    probe = compile_probe(d)
    n = a.count or 10_000
    start = time.monotonic()
    code, out, err = run("orphans", ["unshare", "--pid", "--fork", "--mount-proc", a.swinit, "--",
                                      probe, "orphans", str(n), "37"], timeout=90)
    sys.stdout.write(out.decode())
    emit("orphans_total_seconds", f"{time.monotonic() - start:.2f}")
    emit("swinit_exit", code)
    if err:
        emit("swinit_stderr_first", first_line(err))


def fork_failure(a, d):
    # uid 65534 must be able to reach the binaries, and the checkout may sit in a directory only root can
    # enter (a 0700 mktemp folder, /root): run copies from this scenario's own folder, opened to everyone.
    os.chmod(d, 0o755)
    binaries = {}
    for name, path in [("swinit", a.swinit), ("rebound", a.rebound)]:
        binaries[name] = os.path.join(d, name)
        shutil.copy2(path, binaries[name])
        os.chmod(binaries[name], 0o755)

    def as_nobody_with_one_process():
        resource.setrlimit(resource.RLIMIT_NPROC, (1, 1))
        os.setgroups([])
        os.setgid(65534)
        os.setuid(65534)  # root ignores RLIMIT_NPROC; nobody does not
    for name, argv in [("swinit", [binaries["swinit"], "-s", "--", "/bin/true"]),
                       ("rebound", [binaries["rebound"], "-r", "2", "-b", "0", "--", "/bin/true"])]:
        start = time.monotonic()
        code, _, err = run(f"{name}_fork", argv, timeout=20, preexec_fn=as_nobody_with_one_process)
        emit(f"{name}_fork_exit", code)
        emit(f"{name}_fork_seconds", f"{time.monotonic() - start:.2f}")
        lines = [l for l in err.decode("utf-8", "replace").splitlines() if "fork" in l]
        emit(f"{name}_fork_message", lines[0] if lines else first_line(err))


def exec_errors(a, d):
    def make(name, text, mode):
        path = os.path.join(d, name)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, mode)
        return path
    os.symlink(os.path.join(d, "loop-b"), os.path.join(d, "loop-a"))
    os.symlink(os.path.join(d, "loop-a"), os.path.join(d, "loop-b"))
    cases = {
        "enoent": "/nonexistent/program",
        "enoent_on_path": "no-such-program-on-path",
        "eacces": make("not-executable", "#!/bin/sh\nexit 0\n", 0o644),
        "eacces_directory": d,
        "enoexec": make("no-shebang", "exit 5\n", 0o755),
        "enotdir": "/etc/passwd/program",
        "eloop": os.path.join(d, "loop-a"),
        "enametoolong": "/tmp/" + "n" * 300,
        "etxtbsy": make("busy", "#!/bin/sh\nexit 0\n", 0o755),
    }
    busy = open(cases["etxtbsy"], "a")  # open for writing while it is executed
    for name, program in cases.items():
        for binary in ("swinit", "rebound"):
            argv = [a.swinit, "-s", "--", program] if binary == "swinit" else [a.rebound, "-r", "1", "--", program]
            code, _, err = run(f"{binary}_{name}", argv, timeout=20)
            emit(f"{binary}_{name}_exit", code)
            # The line that explains the failure (rebound logs "starting PROGRAM" first).
            lines = [l for l in err.decode("utf-8", "replace").splitlines() if "starting " not in l]
            emit(f"{binary}_{name}_message", (lines[0] if lines else "").replace("=", ":"))
    busy.close()


def stdio(a, d):
    def close_all():
        for fd in (0, 1, 2):
            os.close(fd)
    code, _, _ = run("closed_stdio", [a.swinit, "-s", "-vvv", "--", "sh", "-c", "exit 6"], timeout=10,
                     stdout=None, stderr=None, preexec_fn=close_all)
    emit("swinit_closed_stdio_exit", code)
    code, _, _ = run("child_closes", [a.swinit, "-s", "--", "sh", "-c", "exec 0<&- 1>&- 2>&-; exit 4"], timeout=10)
    emit("swinit_child_closes_stdio_exit", code)
    code, _, _ = run("child_replaces", [a.swinit, "-s", "--", "sh", "-c",
                                        "exec 0</dev/null 1>/dev/null 2>&1; echo hi; exit 5"], timeout=10)
    emit("swinit_child_replaces_stdio_exit", code)
    # stdout and stderr a pipe whose reader is gone: every log line is EPIPE (and a SIGPIPE).
    reader, writer = os.pipe()
    os.close(reader)
    for name, argv in [("swinit_closed_pipe", [a.swinit, "-s", "-vvv", "--", "sh", "-c", "exit 7"]),
                       ("swinit_closed_pipe_slow_child", [a.swinit, "-s", "-vvv", "--", "sh", "-c", "sleep 0.2; exit 7"]),
                       ("rebound_closed_pipe", [a.rebound, "-r", "2", "-b", "0", "--", "sh", "-c", "sleep 0.1; exit 7"])]:
        start = time.monotonic()
        code, _, _ = run(name, argv, timeout=10, stdout=writer, stderr=writer)
        emit(f"{name}_exit", code)
        emit(f"{name}_seconds", f"{time.monotonic() - start:.2f}")
    os.close(writer)


def fd_leak(a, d):
    probe = compile_probe(d)
    extra = os.open("/dev/null", os.O_RDONLY)
    os.dup2(extra, 5, inheritable=True)
    os.close(extra)
    for name, argv in [("swinit", [a.swinit, "-s", "-vvv", "--"]), ("rebound", [a.rebound, "--"])]:
        out = os.path.join(d, f"{name}-fds")
        code, _, _ = run(f"{name}_fds", argv + [probe, "fds", out], timeout=10, pass_fds=(5,))
        emit(f"{name}_fds_exit", code)
        emit(f"{name}_child_fds", ",".join(sorted(read(out).decode().split(), key=int)))
    os.close(5)


def environment(a, d):
    env = {b"PLAIN": b"value", b"EMPTY": b"", b"LATIN1": b"caf\xe9", b"BAD_UTF8": b"\xff\xfe\x80",
           b"NAME_\xc3\x28": b"non-UTF-8 name", b"EQUALS": b"a=b==c", b"NEWLINE": b"line1\nline2",
           b"SPACES": b"  x  ", b"LONG": b"L" * 100_000,
           b"LD_LIBRARY_PATH": os.environb.get(b"LD_LIBRARY_PATH", b""), b"PATH": b"/usr/bin:/bin"}
    expected = b"".join(k + b"=" + v + b"\0" for k, v in env.items())
    for name, argv in [("swinit", [a.swinit, "-s", "--"]), ("rebound", [a.rebound, "--"])]:
        code, out, _ = run(f"{name}_env", argv + ["/bin/cat", "/proc/self/environ"], timeout=10, env=env)
        emit(f"{name}_env_exit", code)
        emit(f"{name}_env_bytes", len(out))
        emit(f"{name}_env_identical", int(out == expected))


# ---- rebound ----

def rebound_crash_loop(a, d):
    probe = compile_probe(d)
    runs = a.count or 1000
    counter, out = os.path.join(d, "counter"), os.path.join(d, "measure")
    start = time.monotonic()
    code, _, err = run("crash_loop", [a.rebound, "-b", "0", "-q", "-r", str(runs - 1), "--", probe, "crash",
                                      counter, out, "3", "50", str(runs)], timeout=120)
    emit("crash_loop_seconds", f"{time.monotonic() - start:.2f}")
    emit("crash_loop_exit", code)
    emit("crash_loop_runs", read(counter).decode().strip())
    emit("crash_loop_stderr_lines", len(err.splitlines()))
    for line in read(out).decode().splitlines():
        fields = dict(field.split("=") for field in line.split())
        emit(f"run{fields['run']}_rss_kb", fields["rss_kb"])
        emit(f"run{fields['run']}_fds", fields["fds"])


def rebound_sigterm(a, d):
    probe = compile_probe(d)

    def terminate_when(name, argv, ready, expected_log=None, timeout=10):
        stderr_path = os.path.join(d, name + ".err")
        with open(stderr_path, "wb") as err:
            process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err)
            ok = wait_for(lambda: ready() and (expected_log is None or expected_log in read(stderr_path)), timeout)
            sent = time.monotonic()
            process.send_signal(signal.SIGTERM)
            try:
                code = process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill(); process.wait()
                emit(f"{name}_hang", 1)
                code = None
        return ok, code, time.monotonic() - sent

    ready = os.path.join(d, "ready")
    ok, code, latency = terminate_when("running", [a.rebound, "--", probe, "ready", ready],
                                       lambda: os.path.exists(ready))
    emit("while_running_exit", code); emit("while_running_seconds", f"{latency:.3f}")

    counter = os.path.join(d, "delay-counter")
    ok, code, latency = terminate_when("delay", [a.rebound, "-d", "30", "--", probe, "crash", counter, "/dev/null", "3"],
                                       lambda: os.path.exists(counter), expected_log=b"restarting (1)")
    emit("during_delay_exit", code); emit("during_delay_seconds", f"{latency:.3f}")

    # A crash loop with no delay, hit at random moments: running, exiting, reaping, respawning.
    trials = a.count or 200
    codes, slowest, hangs = {}, 0.0, 0
    rng = random.Random(7)
    for trial in range(trials):
        counter = os.path.join(d, f"loop-counter-{trial}")
        process = subprocess.Popen([a.rebound, "-b", "0", "-q", "--", probe, "crash", counter, "/dev/null", "3"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not wait_for(lambda: os.path.exists(counter), 5):
            process.kill(); process.wait()
            emit("random_phase_child_never_ran", 1)
            break
        time.sleep(rng.uniform(0, 0.02))  # a random moment of the restart cycle, not synchronisation
        sent = time.monotonic()
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill(); process.wait(); hangs += 1; code = None
        slowest = max(slowest, time.monotonic() - sent)
        codes[code] = codes.get(code, 0) + 1
    emit("random_phase_trials", trials)
    emit("random_phase_hangs", hangs)
    emit("random_phase_codes", ",".join(f"{k}:{v}" for k, v in sorted(codes.items(), key=lambda kv: str(kv[0]))))
    emit("random_phase_slowest_seconds", f"{slowest:.3f}")


SCENARIOS = {
    "signal-storm": signal_storm, "orphan-storm": orphan_storm, "fork-failure": fork_failure,
    "exec-errors": exec_errors, "stdio": stdio, "fd-leak": fd_leak, "environment": environment,
    "rebound-crash-loop": rebound_crash_loop, "rebound-sigterm": rebound_sigterm,
}

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario", choices=sorted(SCENARIOS))
    parser.add_argument("--swinit", required=True)
    parser.add_argument("--rebound", required=True)
    parser.add_argument("--count", type=int, default=0, help="signals, orphans, runs or trials (0: the default)")
    arguments = parser.parse_args()
    # Start from a clean signal mask: a caller's blocked signals (swift test's Process passes its own on)
    # are inherited by swinit and rebound and, by design, by their children.
    blocked = signal.pthread_sigmask(signal.SIG_SETMASK, set())
    if blocked:
        print(f"# unblocked inherited signals: {sorted(int(s) for s in blocked)}", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="processkit-reliability-") as directory:
        SCENARIOS[arguments.scenario](arguments, directory)
