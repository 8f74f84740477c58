#!/bin/sh
# Cost per frame of `rollmap report` on normal and hostile sessions of
# growing length (docs/robustness.md, "Cost per frame"): instructions
# (callgrind) and peak memory (GNU time) per frame, to show the bound
# tests/robust/test_bounded.sh enforces, and how far below it each class
# of file stays. Hostile copies come from tests/robust/hostile_session.py.
# Slow (callgrind over ~10^9 instructions): a benchmark, not a test.
#
#   bench/cost-bound.sh [BUILD] [SECONDS...]   (default build, 30 300 1200)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- 30 300 1200
R=$(cd "$build" && pwd)/rollmap
H=$root/tests/robust/hostile_session.py
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
echo "| session | frames | instructions | per frame | maxrss | bytes per frame over 4 MiB |"
echo "|---|---|---|---|---|---|"
row() {
    name=$1 f=$2
    frames=$("$R" info "$f" | sed -n 's/^frames: *//p')
    ir=$(valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.%p" \
         "$R" report -f json "$f" 2>&1 >/dev/null |
         sed -n 's/.*Collected : *//p' | tr -d ,)
    rm -f "$tmp"/cg.*
    /usr/bin/time -f %M -o rss "$R" report -f json "$f" >/dev/null 2>&1
    kb=$(tail -1 rss)
    echo "| $name | $frames | $ir | $((ir / frames)) | $((kb / 1024)) MiB |" \
         "$(( (kb * 1024 - 4194304) / frames )) |"
}
for s in "$@"; do
    "$R" sim noisy --seed 5 --duration "$s" -q --force -o n.wav
    row "noisy, $s s" n.wav
    python3 "$H" n.wav h.wav all 1 7
    row "noisy, $s s, wild encoder/time/seq in every frame" h.wav
    python3 "$H" n.wav h.wav toggle-roll 0.5
    row "noisy, $s s, contact made and lost every 4 frames (2nd half)" h.wav
done
