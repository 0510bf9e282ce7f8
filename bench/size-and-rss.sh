#!/usr/bin/env bash
# Size and idle memory of swinit and rebound (static) next to the other inits, as a Markdown table on
# stdout (nothing else goes to stdout). Each init runs `sleep 1000` as its child; once the child has
# exec'ed sleep, the init's VmRSS (/proc/PID/status) and Pss (/proc/PID/smaps_rollup) are read.
# Goals: stripped static swinit/rebound size <= tini-static's; idle RSS <= tini-static's.
#
# Usage: bench/size-and-rss.sh        (builds dist/ with scripts/build-static when it is missing;
#                                      rows for dist/dynamic/ appear when it was built with --dynamic,
#                                      size-only rows for the other architecture's dist/linux-ARCH/)
# Env:   BENCH_SWINIT_STATIC, BENCH_REBOUND_STATIC  binaries to measure instead of dist/swinit, dist/rebound
# Exit:  0 when every goal is met, 1 when one is missed, 2 when something could not be measured.
set -euo pipefail
cd "$(dirname "$0")/.."

swinit_static=${BENCH_SWINIT_STATIC:-$PWD/dist/swinit}
rebound_static=${BENCH_REBOUND_STATIC:-$PWD/dist/rebound}
if [[ ! -x $swinit_static || ! -x $rebound_static ]] && [[ -z ${BENCH_SWINIT_STATIC:-}${BENCH_REBOUND_STATIC:-} ]]; then
    echo "size-and-rss: dist/ is missing; running scripts/build-static" >&2
    scripts/build-static >&2
fi

work=$(mktemp -d /tmp/size-and-rss.XXXXXX)
started=()
cleanup() {
    local pid
    for pid in ${started[@]+"${started[@]}"}; do
        pkill -KILL -P "$pid" 2>/dev/null || true
        kill -KILL "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

# stripped_size PATH: size in bytes of a stripped copy.
stripped_size() {
    cp "$1" "$work/copy"
    strip "$work/copy" 2>/dev/null || true
    stat -c %s "$work/copy"
}

# linkage PATH: "static", "static-pie" or "dynamic (libs...)".
linkage() {
    local description
    description=$(file -bL "$1")
    case $description in
        *"static-pie linked"*) echo "static-pie" ;;
        *"statically linked"*) echo "static" ;;
        *"dynamically linked"*)
            echo "dynamic ($(ldd "$1" 2>/dev/null | awk '$1 !~ /^(linux-vdso|\/)/ {sub(/\.so.*/, "", $1); printf "%s%s", sep, $1; sep=" "}'))" ;;
        *) echo "?" ;;
    esac
}

# measure NAME COMMAND...: runs COMMAND (an init running `sleep 1000`), waits until its child is
# sleep, sets measured_rss and measured_pss (kB, "?" when unknown) and stops it. Every wait is bounded.
measure() {
    local pid child="" deadline
    measured_rss="?" measured_pss="?"
    "$@" </dev/null >/dev/null 2>&1 &
    pid=$!
    started+=("$pid")
    deadline=$((SECONDS + 10))
    while ((SECONDS < deadline)); do
        for child in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do
            [[ $(cat /proc/"$child"/comm 2>/dev/null) == sleep ]] && break 2
        done
        child=""
        sleep 0.02   # between polls of /proc: nothing else tells when the child has exec'ed
    done
    if [[ -z $child ]]; then
        echo "size-and-rss: $* did not start sleep within 10 s" >&2
    else
        measured_rss=$(awk '/^VmRSS:/ {print $2}' /proc/"$pid"/status)
        measured_pss=$(awk '/^Pss:/ {print $2; exit}' /proc/"$pid"/smaps_rollup)
    fi
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + 5))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.02; done
    pkill -KILL -P "$pid" 2>/dev/null || true
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# name | binary | how it runs `sleep 1000`
rows=(
    "swinit (static)|$swinit_static|-s -- sleep 1000"
    "rebound (static)|$rebound_static|-- sleep 1000"
    "tini-static|$(command -v tini-static || echo /usr/bin/tini-static)|-s -- sleep 1000"
    "tini|$(command -v tini || echo /usr/bin/tini)|-s -- sleep 1000"
    "catatonit|$(command -v catatonit || echo /usr/bin/catatonit)|-- sleep 1000"
    "dumb-init|$(command -v dumb-init || echo /usr/bin/dumb-init)|sleep 1000"
)

# The libc-only dynamic variant (scripts/build-static --dynamic), when it was built.
for name in swinit rebound; do
    if [[ -x dist/dynamic/$name ]]; then
        arguments="-- sleep 1000"; [[ $name == swinit ]] && arguments="-s -- sleep 1000"
        rows+=("$name (dynamic)|$PWD/dist/dynamic/$name|$arguments")
    fi
done

declare -A size rss pss link
missing=0
for row in "${rows[@]}"; do
    IFS='|' read -r name binary arguments <<<"$row"
    if [[ ! -x $binary ]]; then
        echo "size-and-rss: $name not found ($binary)" >&2
        size[$name]="?" rss[$name]="?" pss[$name]="?" link[$name]="missing"
        missing=1
        continue
    fi
    size[$name]=$(stripped_size "$binary")
    link[$name]=$(linkage "$binary")
    # shellcheck disable=SC2086 # arguments are words on purpose
    measure "$binary" $arguments
    rss[$name]=$measured_rss pss[$name]=$measured_pss
done

# compare KIND OURS: "KIND met"/"KIND MISSED"/"KIND ?" against tini-static; a miss sets missed=1.
missed=0
compare() {
    local -n values=$1
    local ours=$2 reference="tini-static"
    if [[ ${values[$ours]} == "?" || ${values[$reference]} == "?" ]]; then verdict+="$3 ?"; missing=1
    elif ((values[$ours] <= values[$reference])); then verdict+="$3 met"
    else verdict+="$3 MISSED"; missed=1; fi
}

echo "| init | stripped size (bytes) | linkage | idle VmRSS (kB) | idle Pss (kB) | goal vs tini-static |"
echo "|---|---:|---|---:|---:|---|"
for row in "${rows[@]}"; do
    IFS='|' read -r name _ _ <<<"$row"
    case $name in
        "swinit (static)"|"rebound (static)") verdict=""; compare size "$name" size; verdict+=", "; compare rss "$name" RSS ;;
        *) verdict="" ;;
    esac
    echo "| $name | ${size[$name]} | ${link[$name]} | ${rss[$name]} | ${pss[$name]} | $verdict |"
done

# The other architecture's static pair (arm64 on an amd64 machine), size only: run under qemu-user,
# the resident memory would be the emulator's, not theirs, so no RSS is given.
case $(uname -m) in x86_64) other=arm64 ;; aarch64) other=amd64 ;; *) other="" ;; esac
for name in swinit rebound; do
    binary=$PWD/dist/linux-$other/$name
    [[ -n $other && -f $binary ]] || continue
    echo "| $name (static, $other) | $(stat -c %s "$binary") | $(linkage "$binary") | n/a (qemu) | n/a (qemu) | size only |"
done

if ((missing)); then exit 2; fi
exit "$missed"
