#!/usr/bin/env python3
"""End-to-end fuzzing of the real swinit and rebound binaries with random command lines.

    argv.py --swinit PATH --rebound PATH [--runs N] [--seed S]

Every run is bounded (10 s). A run passes when the binary ends on its own, not by a signal, and a
rejected command line (exit 1) gets exactly one message line first on stderr ("swinit: ..." /
"rebound: ..."; the usage text may follow). Programs named by the random tokens resolve in an empty
directory that is also the only PATH entry, so nothing random is ever executed; accepted lines run /bin/true.
Prints `key=value` figures; exits 1 if any run failed.
"""
import argparse, concurrent.futures, os, random, subprocess, sys, tempfile

SWINIT_OPTIONS = ["-h", "--help", "--version", "-l", "-s", "-v", "-vv", "-vvv", "-w", "-g", "-p", "-e", "-e143",
                  "-pKILL", "--rewrite", "--stop-sequence", "--grace", "--grace-signal", "--grace=0.1",
                  "--grace-signal=INT", "--", "-", "--bogus", "-x", "-vx", "--rewrite=TERM:QUIT", "--version=1",
                  "--user", "--user=nobody", "--user=nosuch", "--log-format", "--log-format=json", "--log-format=text"]
REBOUND_OPTIONS = ["-g", "-q", "-h", "--help", "--version", "-r", "-d", "-b", "--max-restarts", "--restart-delay",
                   "--burst", "--backoff-max", "--stable-after", "--stop-timeout", "--quiet=1", "--own-group",
                   "-qg", "-r1", "--burst=1", "--grace", "--grace-signal", "--grace=0.1", "--grace-signal=INT",
                   "--", "-", "--bogus", "-x", "--max-restarts=", "--user", "--user=nobody:nogroup", "--user=:nosuch",
                   "--log-format", "--log-format=json", "--log-format=JSON"]
SLOW_REBOUND_OPTIONS = {"d", "restart-delay", "backoff-max", "stop-timeout", "stable-after", "grace"}
VALUES = ["0", "1", "2", "143", "255", "256", "0.1", ".5", "1.", ".", "", "-1", "1e3", "1.2.3", "0x10", " 1",
          "\uff11", "999999999", "9999999999", "TERM", "SIGKILL", "kill", "RTMIN+1", "RTMAX-0", "SIG32", "65",
          "TERM:QUIT", "USR1:USR2,HUP:", "TERM,0.1,KILL", "TERM,,KILL", "0.1,TERM", "0,0.1,TERM", "86400", "86401", ":", ",", "=", "\xff", "caf\u00e9", "json", "text"]


def garbage(rng):
    alphabet = "-=:,.+ abcdefghijklmnopqrstuvwxyzTERMKILSG0123456789\t\n\u00e9\U0001F600"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))


def vector(rng, tool):
    options = SWINIT_OPTIONS if tool == "swinit" else REBOUND_OPTIONS
    tokens = ["-r", "2", "-b", "0"] if tool == "rebound" else []  # bounded restarts even when accepted
    for _ in range(rng.randint(0, 6)):
        pick = rng.random()
        tokens.append(rng.choice(options) if pick < 0.5 else rng.choice(VALUES) if pick < 0.8 else garbage(rng))
    if rng.random() < 0.7:
        tokens += ["--", "/bin/true"] if rng.random() < 0.5 else ["/bin/true"]
    # Accepted lines must end soon: rebound's waits (restart delay, backoff...) get short values, and a
    # later -r cannot lift the bound on restarts (a program that is not found fails every time).
    for i in range(len(tokens) - 1):
        if tool == "rebound" and tokens[i].lstrip("-") in SLOW_REBOUND_OPTIONS:
            try:
                if float(tokens[i + 1]) > 0.2:
                    tokens[i + 1] = "0.1"
            except ValueError:
                pass
        if tool == "rebound" and i > 1 and tokens[i] in ("-r", "--max-restarts"):
            try:
                if int(tokens[i + 1]) > 2:
                    tokens[i + 1] = "2"
            except ValueError:
                pass
    return tokens


def one(binary, tool, tokens, workdir):
    # PATH is the empty work directory: a random program name never finds anything to run.
    env = {"LD_LIBRARY_PATH": os.environ.get("LD_LIBRARY_PATH", ""), "PATH": workdir}
    try:
        p = subprocess.run([binary] + tokens, cwd=workdir, env=env, stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=10)
    except subprocess.TimeoutExpired:
        return "hang", tokens, ""
    err = p.stderr.decode("utf-8", "replace")
    if p.returncode < 0:
        return "signal", tokens, f"killed by signal {-p.returncode}: {err[:200]}"
    if p.returncode == 1:
        first = err.split("\n", 1)[0]
        prefix = tool + ": "
        if not first.startswith(prefix) or len(first) <= len(prefix) or "Fatal error" in err:
            return "bad-message", tokens, err[:300]
        return "rejected", tokens, first
    return "accepted", tokens, ""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--swinit", required=True)
    parser.add_argument("--rebound", required=True)
    parser.add_argument("--runs", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    a = parser.parse_args()
    rng = random.Random(a.seed)
    jobs = []
    for i in range(a.runs):
        tool = "swinit" if i % 2 == 0 else "rebound"
        jobs.append((a.swinit if tool == "swinit" else a.rebound, tool, vector(rng, tool)))
    counts, failures = {}, []
    with tempfile.TemporaryDirectory(prefix="processkit-argv-") as workdir, \
            concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for (outcome, tokens, detail), (_, tool, _) in zip(pool.map(lambda j: one(j[0], j[1], j[2], workdir), jobs), jobs):
            counts[(tool, outcome)] = counts.get((tool, outcome), 0) + 1
            if outcome in ("hang", "signal", "bad-message"):
                failures.append((tool, outcome, tokens, detail))
    print(f"argv_runs={a.runs}")
    for (tool, outcome), n in sorted(counts.items()):
        print(f"argv_{tool}_{outcome.replace('-', '_')}={n}")
    print(f"argv_failures={len(failures)}")
    for tool, outcome, tokens, detail in failures[:10]:
        print(f"argv failure: {tool} {outcome} {tokens!r}: {detail!r}", file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
