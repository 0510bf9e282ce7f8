#!/usr/bin/env python3
"""Runs every benchmark of bench/run, interleaving the peers, and writes the Markdown table,
docs page and SVG chart. Called by bench/run, which builds the binaries and the C helpers first.

usage: bench.py OUT_DIR REPO_DIR COMMAND_LINE
Environment (set by bench/run): BENCH_SWINIT_STATIC, BENCH_SWINIT_DYNAMIC, BENCH_REBOUND_STATIC, BENCH_REBOUND_DYNAMIC
(paths, may be empty), BENCH_QUICK=1 for a short smoke run.
"""
import datetime
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import processkit  # noqa: E402  (ProcessKit's section: bench/processkit)

OUT, REPO, COMMAND = sys.argv[1], sys.argv[2], sys.argv[3]
QUICK = os.environ.get("BENCH_QUICK") == "1"
H = OUT  # compiled helpers live in OUT

# Durations and repetitions: full run / BENCH_QUICK=1.
IDLE_WINDOW = 2.0 if QUICK else 10.0
IDLE_REPS = 1 if QUICK else 3
CALLGRIND_REPS = 1 if QUICK else 3
SPAWN_RUNS = 50 if QUICK else 500
ZOMBIES = 10000
REAP_REPS = 2 if QUICK else 11  # 10,000 forks per run make this the noisiest measure: more runs
SIGNALS = 1000 if QUICK else 10000
SIGNAL_ROUNDS = SIGNALS  # one signal per init per round: every init sees the same load
RESTARTS = 100 if QUICK else 1000
RESTART_ROUNDS = 2 if QUICK else 5  # the restarters take turns, RESTARTS / RESTART_ROUNDS restarts each time
# The signal and restart benchmarks pin sender, inits and children to one CPU: the path is then serial (send,
# init wakes and forwards, child's handler runs) and does not depend on where the scheduler puts
# each process, which otherwise changes the latency by 2x from run to run.
SIGNAL_CPU = max(os.sched_getaffinity(0))

TRUE = shutil.which("true") or "/bin/true"
SLEEP = shutil.which("sleep") or "/bin/sleep"


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- peers
class Peer:
    def __init__(self, name, source, prefix_args):
        self.name = name
        self.source = source
        self.bin = os.path.join(OUT, "bin", name.replace(" ", "-"))
        self.prefix_args = prefix_args  # arguments between the init and the child's command line
        self.m = {}  # metric -> value
        self.notes = {}

    def argv(self, *child):
        return [self.bin, *self.prefix_args, *child]


def make_peers():
    os.makedirs(os.path.join(OUT, "bin"), exist_ok=True)
    peers = []
    for name, src, pre in [
        ("swinit static", os.environ.get("BENCH_SWINIT_STATIC", ""), ["--"]),
        ("swinit dynamic", os.environ.get("BENCH_SWINIT_DYNAMIC", ""), ["--"]),
        ("tini", shutil.which("tini") or "", ["--"]),
        ("tini-static", shutil.which("tini-static") or "", ["--"]),
        ("dumb-init", shutil.which("dumb-init") or "", ["--"]),
        ("catatonit", shutil.which("catatonit") or "", ["--"]),
    ]:
        if not src or not os.path.exists(src):
            log(f"{name}: not available, its column stays empty")
            continue
        p = Peer(name, src, pre)
        shutil.copy2(src, p.bin)
        subprocess.run(["strip", "--strip-all", p.bin], check=True)
        peers.append(p)
    return peers


# ---------------------------------------------------------------- 1. size and linkage
def linkage(path):
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]",
                        subprocess.run(["readelf", "-d", path], capture_output=True, text=True).stdout)
    if not needed:
        return "static", 0
    extra = 0
    ldd = subprocess.run(["ldd", path], capture_output=True, text=True).stdout
    for line in ldd.splitlines():
        m = re.match(r"\s*(\S+) => (\S+)", line)
        if m and not re.match(r"(libc|libm|libpthread|libdl|librt|ld-linux.*)\.so", m.group(1)) and os.path.exists(m.group(2)):
            extra += os.path.getsize(os.path.realpath(m.group(2)))
    return "dynamic: " + ", ".join(n.split(".so")[0] for n in needed), extra


OTHER_ARCH = {"x86_64": "arm64", "aarch64": "amd64"}


def rebound_binaries(peers):
    """rebound's static and dynamic builds, each with the swinit peer whose column it shares."""
    byname = {p.name: p for p in peers}
    for col, env in (("swinit static", "BENCH_REBOUND_STATIC"), ("swinit dynamic", "BENCH_REBOUND_DYNAMIC")):
        path = os.environ.get(env, "")
        if col in byname and path and os.path.exists(path):
            yield byname[col], path


def measure_size(peers):
    for p in peers:
        p.m["size"] = os.path.getsize(p.bin)
        p.m["linkage"], p.m["libs"] = linkage(p.bin)
    for p, path in rebound_binaries(peers):
        stripped = os.path.join(OUT, "bin", "rebound-" + p.name.split()[-1])
        shutil.copy2(path, stripped)
        subprocess.run(["strip", "--strip-all", stripped], check=True)
        p.m["rebound_size"] = os.path.getsize(stripped)
    # The other architecture's static pair (scripts/build-static --arch all), size only, as built (stripped).
    other = OTHER_ARCH.get(platform.machine())
    column = next((p for p in peers if p.name == "swinit static"), None)
    for name in ("swinit", "rebound"):
        path = os.path.join(REPO, "dist", f"linux-{other}", name)
        if column and other and os.path.exists(path):
            column.m[f"{name}_other_arch_size"] = os.path.getsize(path)


# ---------------------------------------------------------------- helpers for running inits as PID 1
def children_of(pid):
    kids = []
    try:
        for t in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{t}/children") as f:
                kids += [int(x) for x in f.read().split()]
    except OSError:
        pass
    return kids


def start_as_pid1(peer, child, cpu=None):
    """Starts peer as PID 1 of a new PID namespace with child; returns (unshare proc, init host pid)."""
    pin = (lambda: os.sched_setaffinity(0, {cpu})) if cpu is not None else None
    u = subprocess.Popen(["unshare", "--pid", "--fork", "--kill-child", *peer.argv(*child)], preexec_fn=pin,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 10
    while time.time() < deadline:
        kids = children_of(u.pid)
        if kids:
            return u, kids[0]
        time.sleep(0.005)
    u.kill()
    raise RuntimeError(f"{peer.name}: init did not start")


def wait_child_exec(init_pid, name_end, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        for c in children_of(init_pid):
            try:
                if os.readlink(f"/proc/{c}/exe").endswith(name_end):
                    return c
            except OSError:
                pass
        time.sleep(0.005)
    raise RuntimeError(f"child {name_end} of {init_pid} did not start")


def stop(u, init_pid):
    try:
        os.kill(init_pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        u.wait(timeout=10)
    except subprocess.TimeoutExpired:
        u.kill()
        u.wait()


def status_field(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise KeyError(key)


def pss_kib(pid):
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            if line.startswith("Pss:"):
                return int(line.split()[1])
    raise KeyError("Pss")


def ctxt(pid):
    return status_field(pid, "voluntary_ctxt_switches") + status_field(pid, "nonvoluntary_ctxt_switches")


# ---------------------------------------------------------------- 2./3. idle memory and wake-ups
def measure_idle(peers):
    # Every init side by side, with rebound (static, dynamic) as well: its figures go in the column
    # of the swinit build it shares, under keys starting with "rebound_".
    inits = [(p, p, "") for p in peers]
    for p, path in rebound_binaries(peers):
        rebound = Peer("rebound " + p.name.split()[-1], path, ["--"])
        rebound.bin = path
        inits.append((rebound, p, "rebound_"))
    rss, pss, wakes = ({init.name: [] for init, _, _ in inits} for _ in range(3))
    for rep in range(IDLE_REPS):
        running = []
        try:
            for init, _, _ in inits:
                u, pid = start_as_pid1(init, [SLEEP, "100000"])
                running.append((init.name, u, pid))
            for name, u, pid in running:
                wait_child_exec(pid, "sleep")
            time.sleep(1.0)  # let start-up settle
            before = {}
            for name, u, pid in running:
                rss[name].append(status_field(pid, "VmRSS"))
                pss[name].append(pss_kib(pid))
                before[name] = ctxt(pid)
            time.sleep(IDLE_WINDOW)
            for name, u, pid in running:
                wakes[name].append((ctxt(pid) - before[name]) * 10.0 / IDLE_WINDOW)
        finally:
            for name, u, pid in running:
                stop(u, pid)
        log(f"idle round {rep + 1}/{IDLE_REPS} done")
    for init, column, prefix in inits:
        column.m[prefix + "rss"] = statistics.median(rss[init.name])
        column.m[prefix + "pss"] = statistics.median(pss[init.name])
        column.m[prefix + "wakeups"] = statistics.median(wakes[init.name])


# ---------------------------------------------------------------- 4. start-up cost
def measure_startup(peers):
    cgdir = os.path.join(OUT, "callgrind")
    shutil.rmtree(cgdir, ignore_errors=True)
    os.makedirs(cgdir)
    counts = {p.name: [] for p in peers}
    for rep in range(CALLGRIND_REPS):
        for p in peers:
            stem = os.path.join(cgdir, f"{p.name.replace(' ', '-')}.{rep}")
            r = subprocess.run(["unshare", "--pid", "--fork", "valgrind", "--tool=callgrind", "--trace-children=no",
                                f"--callgrind-out-file={stem}.%p", *p.argv(TRUE)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            out = f"{stem}.1"  # the init is PID 1 in its namespace
            if r.returncode != 0 or not os.path.exists(out):
                log(f"callgrind failed for {p.name}: {r.stderr[-500:]}")
                continue
            with open(out) as f:
                m = re.search(r"^summary: (\d+)", f.read(), re.M)
            counts[p.name].append(int(m.group(1)))
    for p in peers:
        if counts[p.name]:
            p.m["instructions"] = statistics.median(counts[p.name])
    log("callgrind done")

    args = [os.path.join(H, "spawnloop"), str(SPAWN_RUNS)]
    for i, p in enumerate(peers):
        if i:
            args.append("::")
        args += p.argv(TRUE)
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        i, med, p99, mn = map(int, line.split())
        peers[i].m["walltime"] = med
    log("spawn loop done")


# ---------------------------------------------------------------- 5. reaping
def measure_reaping(peers):
    times, cpu_times = ({p.name: [] for p in peers} for _ in range(2))
    res = os.path.join(OUT, "reap.ns")
    for rep in range(REAP_REPS):
        for k in range(len(peers)):
            p = peers[(k + rep) % len(peers)]
            if os.path.exists(res):
                os.unlink(res)
            r = subprocess.run(["unshare", "--pid", "--fork", "--kill-child", *p.argv(os.path.join(H, "zombies"), str(ZOMBIES), res)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=120)
            if r.returncode != 0 or not os.path.exists(res):
                log(f"reaping run failed for {p.name}: {r.stderr[-300:]}")
                continue
            with open(res) as f:
                wall, cpu = map(int, f.read().split())
            times[p.name].append(wall)
            cpu_times[p.name].append(cpu)
        log(f"reaping round {rep + 1}/{REAP_REPS} done")
    for p in peers:
        if times[p.name]:
            p.m["reap"] = statistics.median(times[p.name])
            p.m["reap_cpu"] = statistics.median(cpu_times[p.name])
    # The init's own (user-space) work per reaped zombie, deterministic: callgrind's count for the
    # zombie run less the count for `INIT -- true`.
    cgdir = os.path.join(OUT, "callgrind")
    os.makedirs(cgdir, exist_ok=True)
    for p in peers:
        if "instructions" not in p.m:
            continue
        stem = os.path.join(cgdir, f"reap-{p.name.replace(' ', '-')}")
        r = subprocess.run(["unshare", "--pid", "--fork", "valgrind", "--tool=callgrind", "--trace-children=no",
                            f"--callgrind-out-file={stem}.%p", *p.argv(os.path.join(H, "zombies"), str(ZOMBIES), res)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=300)
        if r.returncode == 0 and os.path.exists(f"{stem}.1"):
            with open(f"{stem}.1") as f:
                total = int(re.search(r"^summary: (\d+)", f.read(), re.M).group(1))
            p.m["reap_instr"] = max(0.0, (total - p.m["instructions"]) / ZOMBIES)
    log("reaping instruction counts done")


# ---------------------------------------------------------------- 6. signal forwarding
def measure_signals(peers):
    running = []
    try:
        args = [os.path.join(H, "siglat"), "send", str(SIGNALS), str(SIGNAL_ROUNDS)]
        for i, p in enumerate(peers):
            fifo = os.path.join(OUT, f"sig{i}.fifo")
            if os.path.exists(fifo):
                os.unlink(fifo)
            os.mkfifo(fifo)
            u, pid = start_as_pid1(p, [os.path.join(H, "siglat"), "child", fifo], cpu=SIGNAL_CPU)
            running.append((p, u, pid))
            args += [str(pid), fifo]
        out = subprocess.run(args, capture_output=True, text=True, timeout=300,
                             preexec_fn=lambda: os.sched_setaffinity(0, {SIGNAL_CPU}))
        if out.returncode != 0:
            raise RuntimeError("siglat send failed: " + out.stderr)
        for line in out.stdout.splitlines():
            i, med, p99, mn = map(int, line.split())
            peers[i].m["sig_p50"] = med
            peers[i].m["sig_p99"] = p99
    finally:
        for p, u, pid in running:
            stop(u, pid)
    log("signal forwarding done")


# ---------------------------------------------------------------- 7. rebound restarts
def restart_gaps(argv, rec, count):
    """Runs argv (a restarter of restartchild) as PID 1 for count restarts; returns (gaps ns, error)."""
    if os.path.exists(rec):
        os.unlink(rec)
    want = count * 48 + 24
    u = subprocess.Popen(["unshare", "--pid", "--fork", "--kill-child", *argv, os.path.join(H, "restartchild"), rec, str(count)],
                         preexec_fn=lambda: os.sched_setaffinity(0, {SIGNAL_CPU}), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while time.time() < deadline and u.poll() is None:
        if os.path.exists(rec) and os.path.getsize(rec) >= want:
            break
        time.sleep(0.05)
    time.sleep(0.1)
    if u.poll() is None:
        u.kill()
    err = u.communicate()[1]
    size = os.path.getsize(rec) if os.path.exists(rec) else 0
    if size < want:
        first = (err.strip().splitlines() or ["no output"])[0]
        return None, f"did not restart its child {count} times (got {max(0, size // 48)}): {first}"
    with open(rec) as f:
        recs = [(l[0], int(l[2:])) for l in f.read().splitlines()]
    return [recs[i + 1][1] - recs[i][1] for i in range(len(recs) - 1) if recs[i][0] == "E" and recs[i + 1][0] == "S"], None


def measure_rebound(peers):
    """rebound static/dynamic in swinit's columns; a minimal C restarter in tini's column as the floor."""
    byname = {p.name: p for p in peers}
    runs = []
    for col, path in [("swinit static", os.environ.get("BENCH_REBOUND_STATIC", "")),
                      ("swinit dynamic", os.environ.get("BENCH_REBOUND_DYNAMIC", "")),
                      ("tini", os.path.join(H, "restartfloor"))]:
        if col not in byname:
            continue
        if not path or not os.path.exists(path):
            byname[col].notes["rebound"] = "rebound not built"
            continue
        argv = [path] if col == "tini" else [path, "-b", "0", "-q", "--"]
        runs.append((byname[col], argv))
    gaps = {p.name: [] for p, _ in runs}
    per = RESTARTS // RESTART_ROUNDS
    for r in range(RESTART_ROUNDS):
        for k in range(len(runs)):
            p, argv = runs[(k + r) % len(runs)]
            if p.name not in gaps:
                continue
            g, err = restart_gaps(argv, os.path.join(OUT, "restarts.txt"), per)
            if g is None:
                p.notes["rebound"] = f"{argv[0]} {err}"
                log(f"skipped: {p.notes['rebound']}")
                del gaps[p.name]
            else:
                gaps[p.name] += g
    for name, g in gaps.items():
        g.sort()
        byname[name].m["restart_p50"] = g[len(g) // 2]
        byname[name].m["restart_p99"] = g[len(g) * 99 // 100]
        log(f"{name}: {len(g)} restarts measured")


# ---------------------------------------------------------------- report
def fmt_bytes(b):
    return f"{b / 1024:.1f} KiB" if b < 1024 * 1024 else f"{b / 1048576:.2f} MiB"


def fmt_ns(ns):
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    return f"{ns / 1e3:.1f} µs"


def fmt_count(n):
    return f"{n / 1e6:.2f} M" if n >= 1e6 else f"{n / 1e3:.1f} k" if n >= 1e4 else f"{n:g}"


# key, label, formatter, headline (charted)
ROWS = [
    ("size", "Binary size, stripped", fmt_bytes, True),
    ("linkage", "Linkage", None, False),
    ("libs", "Non-libc shared libraries loaded", lambda b: fmt_bytes(b) if b else "none", False),
    ("rss", "Idle VmRSS (child sleeping)", lambda k: f"{k:.0f} KiB", True),
    ("pss", "Idle Pss (child sleeping)", lambda k: f"{k:.0f} KiB", True),
    ("wakeups", "Idle wake-ups per 10 s (context switches)", lambda w: f"{w:.1f}", True),
    ("instructions", "Start-up instructions (callgrind, whole `INIT -- true`)", fmt_count, True),
    ("walltime", f"Wall time of `INIT -- true`, median of {SPAWN_RUNS}", fmt_ns, True),
    ("reap", f"Reap {ZOMBIES:,} orphaned zombies, wall time, median of {REAP_REPS}", fmt_ns, True),
    ("reap_cpu", f"Reap {ZOMBIES:,} orphaned zombies, the init's CPU time, median of {REAP_REPS}", fmt_ns, True),
    ("reap_instr", "Instructions per reaped zombie (callgrind, zombie run less `INIT -- true`)", lambda n: f"{n:.0f}", False),
    ("sig_p50", f"Signal forwarding latency p50 ({SIGNALS:,} signals)", fmt_ns, True),
    ("sig_p99", "Signal forwarding latency p99", fmt_ns, True),
    ("restart_p50", f"rebound restart latency p50 ({RESTARTS:,} restarts; rebound in swinit's columns, a minimal C restarter in tini's as this machine's floor)", fmt_ns, False),
    ("restart_p99", "rebound restart latency p99", fmt_ns, False),
    ("rebound_size", "rebound binary size, stripped (rebound in swinit's columns)", fmt_bytes, False),
    ("rebound_rss", "rebound idle VmRSS (child sleeping)", lambda k: f"{k:.0f} KiB", False),
    ("rebound_pss", "rebound idle Pss (child sleeping)", lambda k: f"{k:.0f} KiB", False),
    ("rebound_wakeups", "rebound idle wake-ups per 10 s", lambda w: f"{w:.1f}", False),
    ("swinit_other_arch_size", f"swinit static for {OTHER_ARCH.get(platform.machine(), 'the other architecture')}, size as built", fmt_bytes, False),
    ("rebound_other_arch_size", f"rebound static for {OTHER_ARCH.get(platform.machine(), 'the other architecture')}, size as built", fmt_bytes, False),
]


def ratio(p, key, base):
    v, b = p.m.get(key), base.m.get(key) if base else None
    if not isinstance(v, (int, float)) or not isinstance(b, (int, float)) or b == 0:
        return None
    return v / b


# row key -> the measure (notes key) that produces it
NOTE_KEY = {"size": "size", "rss": "idle", "pss": "idle", "wakeups": "idle", "instructions": "startup",
            "walltime": "startup", "reap": "reaping", "reap_cpu": "reaping", "reap_instr": "reaping", "sig_p50": "signals", "sig_p99": "signals",
            "restart_p50": "rebound", "restart_p99": "rebound", "rebound_size": "size", "rebound_rss": "idle",
            "rebound_pss": "idle", "rebound_wakeups": "idle", "swinit_other_arch_size": "size",
            "rebound_other_arch_size": "size"}


def targets(peers):
    """(row key) -> (target text, verdict text), judged on the shipped binary, swinit static."""
    by = {p.name: p for p in peers}
    s, d, t, ts = (by.get(n) for n in ("swinit static", "swinit dynamic", "tini", "tini-static"))
    out = {}

    def judge(key, target, ok_fn, why_fn, subject=s):
        if subject is None or key not in subject.m:
            reason = subject.notes.get(NOTE_KEY.get(key, key)) if subject else None
            out[key] = (target, "not measured" + (f": {reason}" if reason else ""))
            return
        out[key] = (target, "met" if ok_fn(subject) else "**missed**: " + why_fn(subject))

    def rel(key, ref, limit):
        return lambda x: ref is not None and key in ref.m and x.m[key] <= limit * ref.m[key]

    judge("size", "swinit static ≤ tini-static", rel("size", ts, 1.0),
          lambda x: f"{fmt_bytes(x.m['size'])} vs {fmt_bytes(ts.m['size'])} ({x.m['size'] / ts.m['size']:.2f}×)")
    judge("rss", "swinit static ≤ tini-static", rel("rss", ts, 1.0),
          lambda x: f"{x.m['rss']:.0f} KiB vs {ts.m['rss']:.0f} KiB ({x.m['rss'] / ts.m['rss']:.2f}×)")
    judge("wakeups", "0", lambda x: x.m["wakeups"] == 0, lambda x: f"{x.m['wakeups']:.1f} per 10 s")
    judge("instructions", "≤ 1.2× tini", rel("instructions", t, 1.2),
          lambda x: f"{x.m['instructions'] / t.m['instructions']:.2f}× tini")
    for key in ("reap", "reap_cpu", "sig_p50", "sig_p99"):
        judge(key, "≤ 1.1× tini", rel(key, t, 1.1), lambda x, key=key: f"{x.m[key] / t.m[key]:.2f}× tini")
    if "reap_instr" in (s.m if s else {}) and t and "reap_instr" in t.m and out.get("reap", ("", ""))[1].startswith("**missed**"):
        out["reap"] = (out["reap"][0], out["reap"][1] + f" (its user-space work per reaped zombie: {s.m['reap_instr']:.0f} "
                       f"instructions, tini's {t.m['reap_instr']:.0f}; see the row below)")
    judge("restart_p50", "< 1 ms", lambda x: x.m["restart_p50"] < 1e6, lambda x: fmt_ns(x.m["restart_p50"]))
    judge("rebound_size", "rebound static ≤ tini-static", lambda x: ts is not None and x.m["rebound_size"] <= ts.m.get("size", 0),
          lambda x: f"{fmt_bytes(x.m['rebound_size'])} vs {fmt_bytes(ts.m['size'])}")
    judge("rebound_rss", "rebound static ≤ tini-static", lambda x: ts is not None and x.m["rebound_rss"] <= ts.m.get("rss", 0),
          lambda x: f"{x.m['rebound_rss']:.0f} KiB vs {ts.m['rss']:.0f} KiB")
    judge("rebound_wakeups", "0", lambda x: x.m["rebound_wakeups"] == 0, lambda x: f"{x.m['rebound_wakeups']:.1f} per 10 s")
    # The dynamic build is judged alongside, on the rows where it is a like-for-like peer.
    if d:
        for key in ("wakeups", "instructions", "reap", "reap_cpu", "sig_p50", "sig_p99", "restart_p50"):
            if key in out and key in d.m:
                tgt, verdict = out[key]
                lim = {"wakeups": None, "restart_p50": None}.get(key, 1.2 if key == "instructions" else 1.1)
                if key == "wakeups":
                    ok = d.m[key] == 0
                elif key == "restart_p50":
                    ok = d.m[key] < 1e6
                else:
                    ok = t is not None and key in t.m and d.m[key] <= lim * t.m[key]
                extra = "met" if ok else "missed" + (f" ({d.m[key] / t.m[key]:.2f}× tini)" if lim and t and key in t.m else "")
                out[key] = (tgt, f"{verdict}; dynamic: {extra}")
    return out


def table(peers):
    base = next((p for p in peers if p.name == "tini"), None)
    tg = targets(peers)
    head = "| Measure | " + " | ".join(p.name for p in peers) + " | Target (swinit static) | Result |"
    lines = [head, "|" + "---|" * (len(peers) + 3)]
    for key, label, fmt, _ in ROWS:
        cells = []
        for p in peers:
            v = p.m.get(key)
            if v is None:
                cells.append("skipped" if NOTE_KEY.get(key) in p.notes else "—")
            elif fmt is None:
                cells.append(str(v))
            else:
                r = ratio(p, key, base) if key != "libs" else None
                cells.append(fmt(v) + (f" ({r:.2f}×)" if r is not None else ""))
        target, verdict = tg.get(key, ("", ""))
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {target} | {verdict} |")
    return "\n".join(lines)


HEADLINE_ROWS = ["size", "rss", "wakeups", "instructions", "reap", "reap_cpu", "sig_p50", "restart_p50"]
README_MARKERS = ("<!-- bench/run headline: start -->", "<!-- bench/run headline: end -->")


def headline(peers):
    """The README's short table: the shipped swinit (static) and the peers, each cell with its ratio to tini."""
    base = next((p for p in peers if p.name == "tini"), None)
    shown = [p for p in peers if p.name != "swinit dynamic"]
    tg = targets(peers)
    labels = {k: l for k, l, _, _ in ROWS}
    formats = {k: f for k, _, f, _ in ROWS}
    lines = ["| Measure | " + " | ".join(p.name for p in shown) + " | Target | Result |", "|" + "---|" * (len(shown) + 3)]
    for key in HEADLINE_ROWS:
        cells = []
        for p in shown:
            v, r = p.m.get(key), ratio(p, key, base)
            cells.append("—" if v is None else formats[key](v) + (f" ({r:.2f}×)" if r is not None else ""))
        target, verdict = tg.get(key, ("", ""))
        verdict = verdict.split("; dynamic:")[0]
        lines.append(f"| {labels[key].split(' (')[0]} | " + " | ".join(cells) + f" | {target} | {verdict} |")
    return "\n".join(lines)


def write_readme_headline(peers, date):
    """Replaces the block between README_MARKERS in README.md; a README without them is left alone."""
    path = os.path.join(REPO, "README.md")
    text = open(path).read()
    start, end = README_MARKERS
    if start not in text or end not in text:
        log("README.md has no bench/run headline markers; not updated")
        return
    body = (f"{start}\n{headline(peers)}\n\nMeasured {date} by `{COMMAND}`; ratios to tini in brackets; rebound's "
            f"restart latency sits in swinit's column, this machine's fork+exec floor in tini's.\n{end}")
    before, rest = text.split(start, 1)
    with open(path, "w") as f:
        f.write(before + body + rest.split(end, 1)[1])
    log("updated the headline in README.md")


CHART_LABELS = {"size": "Binary size (stripped)", "rss": "Idle VmRSS", "pss": "Idle Pss", "wakeups": "Idle wake-ups / 10 s",
                "instructions": "Start-up instructions (callgrind)", "walltime": "Wall time of INIT -- true",
                "reap": f"Reap {ZOMBIES:,} zombies (wall)", "reap_cpu": f"Reap {ZOMBIES:,} zombies (init CPU)", "sig_p50": "Signal forwarding p50", "sig_p99": "Signal forwarding p99"}
COLORS = {"swinit static": "#e4572e", "swinit dynamic": "#f3a712", "tini": "#29335c", "tini-static": "#669bbc",
          "dumb-init": "#a8c686", "catatonit": "#8d6a9f"}


def svg_chart(peers):
    """Grouped horizontal bars, one group per headline measure, ratio to tini on a log2 axis."""
    import math
    base = next((p for p in peers if p.name == "tini"), None)
    rows = [(k, l) for k, l, _, h in ROWS if h and base and k in base.m]
    lo, hi = -5, 6  # log2 range: 1/32× .. 64×
    left, width, bar, gap = 330, 520, 11, 14
    top = 70
    height = top + len(rows) * (bar * len(peers) + gap) + 60
    def x(r):
        return left + (max(lo, min(hi, math.log2(r))) - lo) / (hi - lo) * width
    o = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 150}" height="{height}" '
         f'font-family="sans-serif" font-size="11">',
         '<rect width="100%" height="100%" fill="white"/>',
         f'<text x="10" y="20" font-size="15" font-weight="bold">ProcessKit benchmarks: ratio to tini (log scale, lower is better)</text>',
         f'<text x="10" y="38" fill="#555">{"quick smoke run, " if QUICK else ""}generated by bench/run on {datetime.date.today()}</text>']
    for e in range(lo, hi + 1):
        xx = x(2.0 ** e)
        o.append(f'<line x1="{xx:.1f}" y1="{top - 8}" x2="{xx:.1f}" y2="{height - 50}" stroke="{"#000" if e == 0 else "#ddd"}"/>')
        lab = f"{2 ** e:g}×" if e >= 0 else f"1/{2 ** -e}×"
        o.append(f'<text x="{xx:.1f}" y="{top - 12}" text-anchor="middle" fill="#555">{lab}</text>')
    y = top
    for key, label in rows:
        o.append(f'<text x="{left - 8}" y="{y + bar * len(peers) / 2 + 4:.1f}" text-anchor="end">{CHART_LABELS.get(key, label)}</text>')
        for p in peers:
            r = ratio(p, key, base)
            if r is not None:
                x0, x1 = x(1.0), (x(r) if r > 0 else x(2.0 ** lo))
                a, b = min(x0, x1), max(x0, x1)
                o.append(f'<rect x="{a:.1f}" y="{y}" width="{max(b - a, 1):.1f}" height="{bar - 2}" fill="{COLORS.get(p.name, "#999")}"/>')
                txt = "0" if r == 0 else f"{r:.2f}×"
                tx = (b + 3) if r >= 1 else (a - 3)
                anchor = "start" if r >= 1 else "end"
                o.append(f'<text x="{tx:.1f}" y="{y + bar - 3}" text-anchor="{anchor}" font-size="9" fill="#333">{txt}</text>')
            y += bar
        y += gap
    lx = 10
    for p in peers:
        o.append(f'<rect x="{lx}" y="{height - 35}" width="12" height="12" fill="{COLORS.get(p.name, "#999")}"/>')
        o.append(f'<text x="{lx + 16}" y="{height - 25}">{p.name}</text>')
        lx += 16 + 8 * len(p.name) + 20
    o.append("</svg>")
    return "\n".join(o) + "\n"


def main():
    started = time.time()
    load_before = open("/proc/loadavg").read().split()[:3]
    peers = make_peers()
    steps = [("size", measure_size), ("idle", measure_idle), ("startup", measure_startup),
             ("reaping", measure_reaping), ("signals", measure_signals), ("rebound", measure_rebound)]
    only = os.environ.get("BENCH_ONLY", "").split(",") if os.environ.get("BENCH_ONLY") else None
    for name, fn in steps:
        if only and name not in only:
            continue
        log(f"measuring {name}")
        try:
            fn(peers)
        except Exception as e:  # one failed measure leaves its row empty, the rest still run
            log(f"{name} failed: {e}")
            for p in peers:
                p.notes.setdefault(name, f"{name} failed: {e}")
    processkit_section = None
    if not only or "processkit" in only:
        directory = os.environ.get("BENCH_PROCESSKIT", "")
        if directory:
            log("measuring processkit")
            try:
                processkit_section = processkit.section(processkit.measure(directory, QUICK, log), COMMAND)
            except Exception as e:  # noqa: BLE001  the rest of the page is still written
                log(f"processkit failed: {e}")
        else:
            log("processkit skipped: bench/processkit did not build (see bench/out/build-processkit.log)")
    load_after = open("/proc/loadavg").read().split()[:3]
    tbl = table(peers)
    print(tbl)
    with open(os.path.join(OUT, "results.json"), "w") as f:
        json.dump({p.name: {"metrics": p.m, "notes": p.notes} for p in peers}, f, indent=1)

    # Only a full run of every measure writes docs/; smoke and partial runs write into bench/out/.
    docs = os.path.join(OUT, "quick") if QUICK or only else os.path.join(REPO, "docs")
    os.makedirs(docs, exist_ok=True)
    with open(os.path.join(docs, "benchmarks.svg"), "w") as f:
        f.write(svg_chart(peers))
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
    skipped = sorted({n for p in peers for n in p.notes.values()})
    md = [
        "# Benchmarks",
        "",
        "Generated by `bench/run`; every figure below comes from the script, none is typed in by hand (a section "
        "between `kept` markers is copied from the output of the runs it names, and kept when the page is written again)."
        + ((" **This is a quick smoke run (BENCH_QUICK=1): fewer repetitions, shorter windows.**" if QUICK else "")
        + (f" **Partial run: only {', '.join(only)}.**" if only else "")),
        "",
        f"- Date: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- Machine: {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} CPUs (`nproc`), "
        f"kernel {subprocess.run(['uname', '-r'], capture_output=True, text=True).stdout.strip()} (`uname -r`), {cpu}",
        f"- Load average (1/5/15 min) before: {' '.join(load_before)}, after: {' '.join(load_after)}",
        f"- Command: `{COMMAND}` (took {time.time() - started:.0f} s)",
        f"- Peers: " + ", ".join(f"{p.name} = `{os.path.relpath(p.source, REPO) if p.source.startswith(REPO + '/') else p.source}`" for p in peers),
        "",
        "Each cell: the value, then its ratio to tini in brackets. The targets are judged on swinit static, "
        "the binary that ships (scripts/build-static); swinit dynamic is the ordinary `swift build -c release` "
        "binary and loads the Swift runtime libraries.",
        "",
        tbl,
        "",
        "![Ratios to tini](benchmarks.svg)",
        "",
    ]
    if skipped:
        md += ["Skipped or failed:", ""] + [f"- {s}" for s in skipped] + [""]
    md += [
        "## How each row is measured",
        "",
        "All peers run in the same invocation, interleaved (rounds rotate the order) or side by side, and every "
        "init runs as PID 1 of its own PID namespace.",
        "",
        "- **Size**: the binary (and rebound's) copied and `strip --strip-all`-ed; linkage from `readelf -d` (NEEDED); the "
        "non-libc shared libraries are the ones `ldd` resolves besides libc/libm/ld-linux, summed.",
        f"- **Idle memory and wake-ups**: all inits (and rebound) started at once as `unshare --pid --fork INIT -- sleep`, one second "
        f"to settle, then VmRSS (`/proc/PID/status`), Pss (`/proc/PID/smaps_rollup`) and the voluntary + "
        f"involuntary context switches of the init over a {IDLE_WINDOW:g} s window, scaled to 10 s; median of "
        f"{IDLE_REPS}. Pss shares libc pages between the peers running together.",
        "- **Start-up instructions**: `valgrind --tool=callgrind --trace-children=no INIT -- true` as PID 1; "
        "the Ir total of the init process. This is the whole run of the init — exec, start-up, spawning the "
        "child, then reaping it and exiting — not only up to the child's exec (valgrind only writes its counts at "
        "exit; the exit path is a few hundred instructions in every peer). The forked child's instructions before "
        f"its exec are not counted (valgrind does not dump them). Median of {CALLGRIND_REPS}.",
        f"- **Wall time**: `bench/helpers/spawnloop.c` clones into a new PID namespace, execs `INIT -- true`, and "
        f"waits; {SPAWN_RUNS} runs per peer, interleaved, median.",
        f"- **Reaping**: `bench/helpers/zombies.c` is the init's child; a holder process of its own forks "
        f"{ZOMBIES:,} children that exit at once and waits (WNOWAIT) until all are zombies; the child opens a pidfd "
        "for each, then the holder timestamps and exits, so the kernel hands all the zombies to PID 1 in one go; the "
        "child sleeps in `poll()` until every pidfd reports POLLHUP (its process reaped), so it takes no CPU from "
        "the init meanwhile. Wall time from handover to the last reap, and the init's own CPU time over the same "
        f"span (its CPU clock, `clock_getcpuclockid`, read before the handover and after the last reap), median of "
        f"{REAP_REPS} each. The CPU time is the init's work alone; the wall time also holds how soon the init is "
        "woken and scheduled, which a busy machine stretches. Then, once per peer under callgrind, the "
        "init's instruction count for that run less its count for `INIT -- true`, per zombie.",
        f"- **Signal forwarding**: `bench/helpers/siglat.c`: the init's child installs a SIGUSR1 handler that "
        "writes CLOCK_MONOTONIC to a FIFO; a sender outside the namespace takes the time, `kill()`s the init and "
        f"blocks on the FIFO, one signal in flight; sender, inits and children pinned to one CPU; {SIGNALS:,} signals per peer, sent round-robin across the peers.",
        f"- **rebound restarts**: `rebound -b 0 -q -- restartchild` as PID 1; the static C child "
        "(`bench/helpers/restartchild.c`) appends its start time, then its exit time, and exits 1; the gap from one "
        f"run's exit to the next run's start (its `main`, a few µs after exec) over {RESTARTS:,} restarts, in "
        f"{RESTART_ROUNDS} turns with `bench/helpers/restartfloor.c` (fork, exec, waitpid, nothing else: the "
        "floor of this machine, shown in tini's column, ratios there are to it). Restarter and child pinned to one CPU.",
        "",
    ]
    if processkit_section:
        md += [processkit_section, ""]
        print(f"\n{processkit_section}")
    # Sections kept by hand between these markers (figures copied from several runs' output, with
    # their command) survive a rewrite of the page.
    kept_start, kept_end = "<!-- kept:start -->", "<!-- kept:end -->"
    page = os.path.join(docs, "benchmarks.md")
    old = open(page).read() if os.path.exists(page) else ""
    if kept_start in old and kept_end in old:
        md += [kept_start + old.split(kept_start, 1)[1].split(kept_end, 1)[0] + kept_end, ""]
    with open(page, "w") as f:
        f.write("\n".join(md))
    if processkit_section and only == ["processkit"] and not QUICK:
        # A run of ProcessKit's measures alone refreshes its section of the published page in place.
        processkit.replace_section(os.path.join(REPO, "docs", "benchmarks.md"), processkit_section)
        log("updated the ProcessKit section of docs/benchmarks.md")
    if not (QUICK or only):
        write_readme_headline(peers, datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d'))
    log(f"wrote {docs}/benchmarks.md and benchmarks.svg in {time.time() - started:.0f} s")


main()
