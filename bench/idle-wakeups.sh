#!/usr/bin/env bash
# Idle wake-ups of swinit vs tini while the child sleeps: context switches (voluntary +
# nonvoluntary, from /proc/PID/status) counted between t=1 s and t=11 s, both inits side by side.
# Usage: bench/idle-wakeups.sh [path/to/swinit]   (default: .build/debug/swinit, built if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
swinit=${1:-.build/debug/swinit}
tini=${TINI:-/usr/bin/tini}
if [ ! -x "$swinit" ]; then swift build --product swinit >/dev/null; fi

switches() { awk '/^(non)?voluntary_ctxt_switches/ { n += $2 } END { print n }' "/proc/$1/status"; }

"$swinit" -s sleep 60 & swinit_pid=$!
"$tini" -s sleep 60 & tini_pid=$!
trap 'kill $swinit_pid $tini_pid 2>/dev/null; wait 2>/dev/null' EXIT

sleep 1
s1=$(switches $swinit_pid); t1=$(switches $tini_pid)
sleep 10
s2=$(switches $swinit_pid); t2=$(switches $tini_pid)

printf '%-8s %10s %10s %14s\n' init "at 1 s" "at 11 s" "wake-ups/10 s"
printf '%-8s %10s %10s %14s\n' swinit "$s1" "$s2" $((s2 - s1))
printf '%-8s %10s %10s %14s\n' tini "$t1" "$t2" $((t2 - t1))
