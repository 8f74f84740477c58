#!/bin/sh
# rollmap calibrate: exit codes and messages, against the virtual board:
# a session scenario has no weight on it, so the scale step must refuse;
# the default (the bench) puts the weight on and calibrate measures each
# cell's true scale back. record --sim --duration cuts the window of the
# simulated session, it does not plan a shorter one.
# Usage: tests/cli/test_record_calibrate.sh BUILD   (ROLLMAP = the CLI)
set -u
build=${1:?usage: $0 BUILD}
R=${ROLLMAP:-$build/rollmap}
tmp=$(mktemp -d /tmp/rm-test_record_calibrate.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
expect() {
    code=$1; what=$2; shift 3
    "$@" >"$tmp/o" 2>"$tmp/e"; rc=$?
    [ "$rc" -eq "$code" ] || { fail "$what: exit $rc, want $code: $(cat "$tmp/e")"; return 1; }
}
has() { grep -q -- "$2" "$1" || { fail "$3: no '$2' in: $(cat "$1")"; return 1; }; }

# calibrate
expect 0 "calibrate help" -- "$R" calibrate --help && has "$tmp/o" "--weight KG" "calibrate help"
expect 2 "calibrate no weight" -- "$R" calibrate --sim && has "$tmp/e" "--weight KG is required" "weight"
expect 2 "calibrate bad weight" -- "$R" calibrate --sim --weight -2
expect 2 "calibrate bad cell" -- "$R" calibrate --sim --weight 5 --cell 99 --yes &&
    has "$tmp/e" "cells 0..11" "cell range"
expect 4 "calibrate no port" -- "$R" calibrate -p /dev/rollmap-no-such-port --weight 5
# The virtual board has no weight on it: the scale step must refuse, and
# nothing is stored.
expect 1 "calibrate no load" -- "$R" calibrate --sim=short --weight 5 --cell 3 --yes --seconds 0.2 &&
    has "$tmp/e" "nothing stored" "calibrate refuses without load"

# The bench: calibrate --sim succeeds and finds the board's own scales
# (the simulator's descriptor, as `info --json` of a simulated session
# shows them) within 1 % (regression: it could never succeed).
expect 0 "calibrate bench" -- "$R" calibrate --sim --weight 5 --yes --seconds 0.5 &&
    has "$tmp/e" "stored on the board (12 cells)" "calibrate bench"
cp "$tmp/o" "$tmp/cal.txt"
"$R" sim short -o "$tmp/ref.wav" >/dev/null 2>&1 &&
    "$R" info --json "$tmp/ref.wav" >"$tmp/ref.json" 2>/dev/null ||
    fail "sim short for the reference scales"
/usr/bin/python3 - "$tmp/cal.txt" "$tmp/ref.json" <<'PY' || fail "bench scales differ from the board's"
import json, sys
got = [float(l.split()[6]) for l in open(sys.argv[1]) if l.startswith("cell")]
want = json.load(open(sys.argv[2]))["descriptor"]["scale_n_per_count"]
assert len(got) == len(want) == 12, (got, want)
for g, w in zip(got, want):
    assert abs(g / w - 1) < 0.01, (g, w)
PY
expect 0 "calibrate bench one cell" -- "$R" calibrate --sim --weight 2 --cell 4 --yes --seconds 0.2

# record --sim --duration: the first 2 s of a 2 s recording are the
# first 2 s of a 4 s one with the same seed (the session is not
# re-planned around the duration).
for d in 2 4; do
    "$R" record --sim=basic --seed 9 --no-realtime --duration $d -q \
        -o "$tmp/d$d.wav" >/dev/null 2>"$tmp/d$d.err" ||
        fail "record --duration $d: $(cat "$tmp/d$d.err")"
done
has "$tmp/d2.err" "duration reached" "record --sim --duration 2"
/usr/bin/python3 - "$tmp/d2.wav" "$tmp/d4.wav" <<'PY' || fail "record --sim --duration re-planned the session"
import struct, sys
def data(path):  # the RIFF 'data' chunk (WAV; RF64 not needed at 2 s)
    raw = open(path, "rb").read()
    pos = 12
    while pos + 8 <= len(raw):
        cid, size = raw[pos:pos + 4], struct.unpack("<I", raw[pos + 4:pos + 8])[0]
        if cid == b"data":
            return raw[pos + 8:pos + 8 + size]
        pos += 8 + size + (size & 1)
    raise SystemExit(path + ": no data chunk")
a, b = data(sys.argv[1]), data(sys.argv[2])
frame = 15 * 4
assert 150 * frame <= len(a) <= 170 * frame < len(b), len(a) // frame
assert a == b[:len(a)]
PY

[ $fails -eq 0 ] && echo "test_record_calibrate: ok"
[ $fails -eq 0 ]
