"""ProcessKit's section of bench/run: spawn+wait from a big parent, capturing a child's output, and
many runs from async code, each side by side with its C floor and Foundation's Process in one run.
The measuring is done by bench/processkit (its own package, so Foundation stays out of the main one);
this module runs it, judges the targets and writes the Markdown section.
"""
import datetime
import json
import os
import statistics
import subprocess

START, END = "<!-- processkit-bench:start -->", "<!-- processkit-bench:end -->"
SIZES = (0, 1, 4)


def run(binary, *args, timeout=1800):
    out = subprocess.run([binary, *map(str, args)], capture_output=True, text=True, timeout=timeout, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(directory, quick, log):
    """Runs every measure twice (the second run reproduces the first); returns both."""
    bench, zeros = os.path.join(directory, "processkit-bench"), os.path.join(directory, "zeros")
    runs = 30 if quick else 200
    capture_bytes = (256 if quick else 1024) << 20
    rounds = 2 if quick else 9
    results = []
    for repeat in (1, 2):
        spawn = []
        for gib in SIZES:
            log(f"processkit: spawn+wait from a {gib} GiB parent ({runs} runs per method, run {repeat} of 2)")
            spawn.append(run(bench, "spawn", gib, runs))
        log(f"processkit: capture {capture_bytes >> 20} MiB ({rounds} rounds, run {repeat} of 2)")
        load_before = os.getloadavg()[0]
        capture = run(bench, "capture", capture_bytes, rounds, zeros)
        capture["load"] = (load_before, os.getloadavg()[0])
        capture["date"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
        capture["command"] = f"bench/processkit/.build/release/processkit-bench capture {capture_bytes} {rounds} " \
                             "bench/processkit/.build/release/zeros"
        log(f"processkit: 1,000 concurrent runs from async code (run {repeat} of 2)")
        concurrent = run(bench, "async", 1000)
        results.append({"spawn": spawn, "capture": capture, "async": concurrent})
    return results


def section(results, command):
    first, second = results
    lines = [START, "## ProcessKit", "",
             f"Measured by `{command}` through `bench/processkit` (a package of its own that depends on ProcessKit "
             "by path, so Foundation never enters the main package). Every measure ran twice in the same "
             "invocation; both runs are shown (run 1 / run 2). Methods alternate run by run.", "",
             "### Spawn and wait for /bin/true from a big parent", "",
             "Median time of one spawn+wait; the parent first allocates and writes the resident memory. "
             "Target: ProcessKit ≤ 1.2× posix_spawn at every size.", "",
             "| resident | ProcessKit | posix_spawn (C) | Foundation Process | ProcessKit / posix_spawn | target |",
             "|---|---|---|---|---|---|"]
    for a, b in zip(first["spawn"], second["spawn"]):
        ratios = [r["processkit_us"] / r["posix_spawn_us"] for r in (a, b)]
        met = "met" if max(ratios) <= 1.2 else "missed"
        lines.append(f"| {a['resident_gib']} GiB | {a['processkit_us']:,.0f} / {b['processkit_us']:,.0f} µs "
                     f"| {a['posix_spawn_us']:,.0f} / {b['posix_spawn_us']:,.0f} µs "
                     f"| {a['foundation_us']:,.0f} / {b['foundation_us']:,.0f} µs "
                     f"| {ratios[0]:.2f}× / {ratios[1]:.2f}× | {met} |")
    a, b = first["capture"], second["capture"]
    size = f"{a['bytes'] / (1 << 30):g} GiB" if a["bytes"] >= 1 << 30 else f"{a['bytes'] >> 20} MiB"
    lines += ["", f"### Capturing {size} of a child's output", "",
              f"Median over {a['rounds']} rounds of the throughput, and of the CPU time the reading process "
              "used per GiB (user + system, `getrusage`; the writer's is not counted), which a busy machine "
              "disturbs less. Each sample runs in a fresh process and the readers take turns, in an order "
              "rotated round by round: what the memory one reader freed leaves behind changes what the next "
              "one's fresh memory costs. The child (`bench/processkit/Sources/zeros`) writes 64 KiB at a time "
              "into a pipe of the default size, which `run()` enlarges to 1 MiB (`F_SETPIPE_SZ`) once the output has "
              "passed 1 MiB. The C loops read 64 KiB at a time; \"keeping\" also stores "
              "every byte in one buffer grown by doubling with realloc (which glibc does by mremap, without "
              "copying): the least that holding the output in memory costs, mostly the page faults of the "
              "fresh memory. `run()` keeps the bytes, so it is judged against the C loop that keeps them "
              "(target ≥ 1.0×, sync and async); a `.pipe` read loop discards them, so it is judged against the "
              f"discarding loop (target ≥ 0.8×). Both ratios are shown. Measured {a['date']}, the load average "
              f"(1 min) around the measure: {a['load'][0]:.1f} → {a['load'][1]:.1f} (run 1), {b['load'][0]:.1f} → {b['load'][1]:.1f} "
              f"(run 2). One run again, with a table of the ratios on standard error: `{a['command']}`.", "",
              "| reader | GiB/s | CPU s per GiB | ratio to the C loop, discarding | ratio to the C loop, keeping |",
              "|---|---|---|---|---|"]
    rows = [("C read() loop, discarding", "c_read_loop"),
            ("C read() loop, keeping", "c_read_keeping"),
            ("ProcessKit `run()` capture, sync (kept in memory)", "processkit_capture"),
            ("ProcessKit `run()` capture, async (kept in memory)", "processkit_capture_async"),
            ("ProcessKit `.pipe`, read loop (discarding)", "processkit_stream"),
            ("Foundation `Pipe` + `readDataToEndOfFile()`", "foundation")]
    def ratio(x, key, base):
        return x[key + "_gibps"] / x[base + "_gibps"]
    for label, key in rows:
        lines.append(f"| {label} | {a[key + '_gibps']:.2f} / {b[key + '_gibps']:.2f} "
                     f"| {a[key + '_cpu_s_per_gib']:.2f} / {b[key + '_cpu_s_per_gib']:.2f} "
                     f"| {ratio(a, key, 'c_read_loop'):.2f}× / {ratio(b, key, 'c_read_loop'):.2f}× "
                     f"| {ratio(a, key, 'c_read_keeping'):.2f}× / {ratio(b, key, 'c_read_keeping'):.2f}× |")
    def verdict(key, base, target):
        ratios = [ratio(x, key, base) for x in (a, b)]
        return f"{'met' if min(ratios) >= target else 'missed'} ({ratios[0]:.2f}× / {ratios[1]:.2f}×)"
    lines += ["", "Targets: ProcessKit `run()` capture against the C loop that keeps the bytes, ≥ 1.0×: sync "
              f"{verdict('processkit_capture', 'c_read_keeping', 1.0)}, async "
              f"{verdict('processkit_capture_async', 'c_read_keeping', 1.0)}; ProcessKit `.pipe` read loop "
              f"against the discarding loop, ≥ 0.8×: {verdict('processkit_stream', 'c_read_loop', 0.8)}. No reader "
              "that keeps 1 GiB can match the discarding loop here: the C loop that keeps it shows what the fresh "
              "memory costs on this machine."]
    a, b = first["async"], second["async"]
    lines += ["", "### 1,000 concurrent runs from async code", "",
              "A task group starts 1,000 tasks at once, each running /bin/true to its end; the most threads the "
              "process had while they ran (`/proc/self/task`), and the wall time. ProcessKit: "
              "`try await Command(\"/bin/true\").run()`. Foundation: `Process.run()` with a `terminationHandler` "
              "resuming a continuation.", "",
              "| | wall time | threads before | most threads |", "|---|---|---|---|",
              f"| ProcessKit | {a['processkit_seconds']:.2f} / {b['processkit_seconds']:.2f} s "
              f"| {a['processkit_threads_before']} / {b['processkit_threads_before']} "
              f"| {a['processkit_threads_most']} / {b['processkit_threads_most']} |",
              f"| Foundation Process | {a['foundation_seconds']:.2f} / {b['foundation_seconds']:.2f} s "
              f"| {a['foundation_threads_before']} / {b['foundation_threads_before']} "
              f"| {a['foundation_threads_most']} / {b['foundation_threads_most']} |",
              "", END]
    return "\n".join(lines)


def replace_section(path, text):
    """Puts `text` in place of the ProcessKit section of the Markdown file at `path` (appended if absent)."""
    body = open(path).read() if os.path.exists(path) else ""
    if START in body and END in body:
        before, rest = body.split(START, 1)
        body = before + text + rest.split(END, 1)[1]
    else:
        body = body.rstrip("\n") + "\n\n" + text + "\n"
    with open(path, "w") as f:
        f.write(body)
