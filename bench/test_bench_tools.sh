#!/bin/sh
# make check's guard on the benchmark programs (not a benchmark: no time
# is measured): on small simulated sessions, the floor (bare libsndfile),
# the session reader and the engine workload must see the same frames,
# with the same sequence-number checksum, as `rollmap info` says the file
# holds. A bench whose programs read different data measures nothing.
set -u
build=$1
R=${ROLLMAP:-$build/rollmap}
B=$build/bench
for t in floor reader engine_ir; do
    [ -x "$B/$t" ] || { echo "FAIL: $B/$t missing (make bench-tools)"; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
for spec in "short 8 rev-A" "stress 2 32-cells"; do
    set -- $spec
    f=$tmp/$1.wav
    "$R" sim "$1" -o "$f" --duration "$2" --seed 5 --quiet ||
        { echo "FAIL $3: rollmap sim $1"; fail=1; continue; }
    want=$("$R" info --json "$f" | sed -n 's/^ *"frames": *\([0-9]*\).*/\1/p')
    fl=$("$B/floor" "$f"); rd=$("$B/reader" "$f"); en=$("$B/engine_ir" "$f")
    if [ -n "$want" ] && [ "${fl%% checksum*}" = "frames $want" ] &&
       [ "$fl" = "$rd" ] &&
       [ "${en%% holds*}" = "frames $want" ]; then
        echo "ok   $3: floor, reader and engine_ir all read $want frames ($fl)"
    else
        echo "FAIL $3: info '$want', floor '$fl', reader '$rd', engine_ir '$en'"
        fail=1
    fi
done
# A block size of 1 must give the same answer as the default 4096.
if [ "$("$B/floor" "$tmp/short.wav" 1)" = "$("$B/floor" "$tmp/short.wav")" ]; then
    echo "ok   floor: same frames and checksum with 1-frame reads"
else
    echo "FAIL floor: 1-frame reads differ from 4096-frame reads"; fail=1
fi
exit $fail
