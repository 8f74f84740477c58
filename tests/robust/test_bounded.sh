#!/bin/sh
# Cost bounded by the frames present, never by what the frames claim
# (docs/robustness.md, "Cost per frame"): hostile copies of simulated
# sessions (wild encoder, time, sequence values in 1 %, 10 % and 100 % of
# the frames, all three at once, single wild values, contact made and lost
# all along) go through `rollmap report` and `rollmap replay --speed 0`;
# each run's instructions (valgrind --tool=callgrind, exact and immune to
# the machine's load) and peak memory (GNU time's maxrss) must stay under
#   instructions <= 150,000 x frames + 60,000,000
#   maxrss       <= 256 bytes x frames + 16 MiB
# (normal sessions: 2,000-3,100 instructions per frame; the costliest
# files are those whose contact comes and goes every few frames, each
# short stretch searched along the whole calf: ~25,000 measured).
# The two files of issue 19 run first, natively with a 10 s CPU limit
# (they took 17 G instructions, 128-158 MB before the fix).
# $1: build directory; $ROLLMAP: the CLI (a plain, unsanitized build).
set -u
[ -n "${ROLLMAP_SANITIZED:-}" ] && {
    echo "bounded: skipped in the sanitizer pass (valgrind)"; exit 0; }
R=${ROLLMAP:-$1/rollmap}
top=$(pwd)
case $R in /*) ;; *) R=$top/$R ;; esac
H=$top/tests/robust/hostile_session.py
for t in valgrind /usr/bin/time; do
    command -v $t >/dev/null 2>&1 || {
        echo "FAIL $t missing (tools/install-deps installs it)"; exit 1; }
done
tmp=$(mktemp -d /tmp/rollmap-bounded.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

I_FRAME=150000 I_CONST=60000000
B_FRAME=256 B_CONST=$((16 * 1024 * 1024))
fails=0

# maxrss (bytes) of one native run (GNU time), with a CPU-time limit so a
# cost regression fails here rather than hanging make check; -1 when the
# run was killed or crashed.
rss() {
    ( ulimit -t 10; /usr/bin/time -f %M -o "$tmp/rss" "$@" \
        >/dev/null 2>&1 )
    rc=$?
    kb=$(tail -1 "$tmp/rss" 2>/dev/null)
    case $rc in 0|1|3) echo $((${kb:-0} * 1024)) ;; *) echo -1 ;; esac
}

# Instructions of one run under callgrind.
ir() {
    valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.%p" "$@" \
        2>&1 >/dev/null | sed -n 's/.*Collected : *//p' | tail -1
    rm -f "$tmp"/cg.*
}

# check NAME FILE [CMDS]: report (json) and replay within the bound.
check() {
    name=$1 f=$2 cmds=${3:-report replay}
    frames=$("$R" info "$f" 2>/dev/null | sed -n 's/^frames: *//p')
    [ -n "$frames" ] || frames=0
    imax=$((I_FRAME * frames + I_CONST)) bmax=$((B_FRAME * frames + B_CONST))
    bad=0
    for cmd in $cmds; do
        if [ $cmd = report ]; then set -- report -f json "$f"
        else set -- replay --speed 0 -q "$f"; fi
        b=$(rss "$R" "$@")
        if [ "${b:--1}" -lt 0 ] || [ "$b" -gt $bmax ]; then
            echo "FAIL $name: $cmd: maxrss $b bytes (bound $bmax for" \
                 "$frames frames; -1: killed at 10 s CPU or crashed)"
            bad=1
            continue
        fi
        i=$(ir "$R" "$@")
        if [ -z "$i" ] || [ "$(echo "$i" | tr -d ,)" -gt $imax ]; then
            echo "FAIL $name: $cmd: ${i:-?} instructions (bound $imax" \
                 "for $frames frames)"
            bad=1
            continue
        fi
        [ -n "${ROLLMAP_TEST_VERBOSE:-}" ] &&
            echo "     $name $cmd: $frames frames, $i instructions," \
                 "maxrss $b bytes"
    done
    if [ $bad -eq 0 ]; then echo "ok   $name ($frames frames)"
    else fails=$((fails + 1)); fi
}

for f in "$top"/tests/fuzz/crashes/session/report-*.wav; do
    check "issue 19: $(basename "$f")" "$f"
done

"$R" sim noisy --seed 3 --duration 30 -q -o noisy.wav || exit 1
"$R" sim stress --duration 2 -q -o stress.wav || exit 1
# Replay too on the 80 Hz session (its live view has the most to do).
for base in noisy stress; do
    cmds=report
    [ $base = noisy ] && cmds="report replay"
    check "$base as simulated" $base.wav "$cmds"
    for kind in enc time seq all; do
        for share in 0.01 0.1 1; do
            python3 "$H" $base.wav h.wav $kind $share 7 || exit 1
            check "$base: wild $kind in $share of the frames" h.wav "$cmds"
        done
    done
    for kind in enc-max enc-min seq-jump time-jump; do
        python3 "$H" $base.wav h.wav $kind 0 || exit 1
        check "$base: $kind" h.wav "$cmds"
    done
done
python3 "$H" noisy.wav h.wav toggle-roll 1 || exit 1
check "noisy: contact made and lost every 4 frames, rolling" h.wav
HOSTILE_ON=3 HOSTILE_OFF=1 HOSTILE_STEP=190 \
    python3 "$H" noisy.wav h.wav toggle-roll 0.5 || exit 1
check "noisy: 2nd half: 3 frames of contact in 4, rolling fast" h.wav
python3 "$H" noisy.wav h.wav cells 0.1 7 || exit 1
check "noisy: wild cells in 0.1 of the frames" h.wav

[ $fails -eq 0 ] || { echo "bounded: $fails over the bound"; exit 1; }
exit 0
