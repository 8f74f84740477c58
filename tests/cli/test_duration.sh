#!/bin/sh
# One definition of a session's duration and frames lost
# (docs/session-format.md, "Duration and start"), the same in `info`
# and `report`: from the board clock, a real gap keeps its length and
# counts its frames, and a lone corrupted sequence number or board time
# (first, middle or last frame) is a glitch: no change. Regression: one
# corrupted sequence number made a 8 s file "Duration 17:21:43 ...
# 99.99 % dropped", and info and report disagreed whenever frames were
# lost. Also: a start time of 0 is "unknown" in both.
#   tests/cli/test_duration.sh BUILD   (ROLLMAP=path/to/rollmap)
set -u
build=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
ROLLMAP=${ROLLMAP:-$root/$build/rollmap}
PY=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

"$ROLLMAP" sim short -o "$tmp/s.wav" --seed 3 >/dev/null 2>&1 ||
    { echo "FAIL: rollmap sim short"; exit 1; }

# edit IN OUT WHAT: a copy with one change to the data chunk.
edit() {
    "$PY" - "$@" <<'PY'
import struct, sys
src, dst, what = sys.argv[1:4]
raw = bytearray(open(src, "rb").read())
pos = 12
while raw[pos:pos + 4] != b"data":
    pos += 8 + struct.unpack("<I", raw[pos + 4:pos + 8])[0]
size = struct.unpack("<I", raw[pos + 4:pos + 8])[0]
d0 = pos + 8
ch = 15                                   # 12 cells + encoder, time, seq
fb = 4 * ch
n = size // fb
def put(k, c, v):
    struct.pack_into("<I", raw, d0 + k * fb + 4 * c, v & 0xffffffff)
if what == "seq-mid":   put(300, ch - 1, 0x07654321)
if what == "seq-first": put(0, ch - 1, 0x5a5a5a5a)
if what == "seq-last":  put(n - 1, ch - 1, 0x00badbad)
if what == "time-mid":  put(300, ch - 2, 0x7fff0000)
if what == "gap":       # 50 frames lost in the middle
    del raw[d0 + 100 * fb:d0 + 150 * fb]
    struct.pack_into("<I", raw, pos + 4, size - 50 * fb)
    struct.pack_into("<I", raw, 4, len(raw) - 8)
open(dst, "wb").write(raw)
PY
}

# same A B: within 2 ms (the JSON report rounds to 1 ms).
same() { "$PY" -c "import sys; sys.exit(abs($1 - $2) > 0.002)"; }

# facts FILE: "info_duration report_duration info_dropped report_dropped"
facts() {
    "$ROLLMAP" info --json "$1" >"$tmp/i.json" 2>"$tmp/err" &&
        "$ROLLMAP" report -f json "$1" >"$tmp/r.json" 2>>"$tmp/err" ||
        { bad "$1: $(cat "$tmp/err")"; echo "0 0 0 0"; return; }
    "$PY" - "$tmp/i.json" "$tmp/r.json" <<'PY'
import json, sys
i, r = (json.load(open(p)) for p in sys.argv[1:])
print("%.6f %.6f %d %d" % (i["duration_s"], r["session"]["duration_s"],
                           i["dropped_frames"], r["session"]["dropped_frames"]))
PY
}

set -- $(facts "$tmp/s.wav")
base=$1
same "$1" "$2" || bad "clean file: info $1 s, report $2 s"
[ "$3 $4" = "0 0" ] || bad "clean file: dropped $3/$4"
"$PY" -c "import sys; sys.exit(abs($base - 8.0) > 0.05)" ||
    bad "clean 8 s file: duration $base s"

for what in seq-mid seq-first seq-last time-mid; do
    edit "$tmp/s.wav" "$tmp/$what.wav" "$what"
    set -- $(facts "$tmp/$what.wav")
    same "$1" "$base" && same "$2" "$base" ||
        bad "$what: duration info $1 s, report $2 s, wanted $base"
    [ "$3 $4" = "0 0" ] || bad "$what: dropped info $3, report $4, wanted 0"
done

edit "$tmp/s.wav" "$tmp/gap.wav" gap
set -- $(facts "$tmp/gap.wav")
same "$1" "$2" || bad "gap: info $1 s, report $2 s"
"$PY" -c "import sys; sys.exit(abs($1 - $base) > 0.03)" ||
    bad "gap: duration $1 s, wanted about $base (a gap keeps its length)"
[ "$3 $4" = "50 50" ] || bad "gap: dropped info $3, report $4, wanted 50"

# trend takes the same duration.
"$ROLLMAP" trend -f json "$tmp/seq-mid.wav" >"$tmp/tr.json" 2>/dev/null
t=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["sessions"][0]["duration_s"])' "$tmp/tr.json")
same "$t" "$base" || bad "seq-mid: trend duration $t s, wanted $base"

# Text: the report's duration line has the same seconds as info.
"$ROLLMAP" report "$tmp/seq-mid.wav" >"$tmp/t.txt" 2>/dev/null
grep -q "Duration .*(8.0 s)" "$tmp/t.txt" ||
    bad "seq-mid text: $(grep Duration "$tmp/t.txt")"

[ $fail -eq 0 ] && echo "duration: ok"
exit $fail
