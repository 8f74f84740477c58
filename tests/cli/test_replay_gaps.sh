#!/bin/sh
# replay paces by the frames' board clock, but a gap in it (a backward
# step, i.e. a jump of ~2^32 us, or a long forward jump) is replayed as
# one frame period and reported: a hostile file replays in time bounded
# by its frames at any --speed (issue 19). Also --from and its errors.
# Usage: tests/cli/test_replay_gaps.sh BUILD
set -u
build=${1:?usage: $0 BUILD}
R=${ROLLMAP:-$build/rollmap}
tmp=$(mktemp -d /tmp/rm-test_replay_gaps.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# clockjump IN OUT EVERY JUMP: every EVERY-th frame's board time moved by
# JUMP us (mod 2^32), in place in the WAV's data chunk.
clockjump() {
    /usr/bin/python3 - "$@" <<'PY'
import struct, sys
src, dst, every, jump = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
b = bytearray(open(src, "rb").read())
pos, chans, data = 12, None, None
while pos + 8 <= len(b):
    cid, size = b[pos:pos + 4], struct.unpack_from("<I", b, pos + 4)[0]
    if cid == b"fmt ":
        chans = struct.unpack_from("<H", b, pos + 10)[0]
    if cid == b"data":
        data = (pos + 8, size)
        break
    pos += 8 + size + (size & 1)
cells = chans - 3          # cells, encoder, time, sequence
off, size = data
frames = size // (4 * chans)
for k in range(every, frames, every):
    at = off + 4 * (k * chans + cells + 1)
    t = struct.unpack_from("<I", b, at)[0]
    struct.pack_into("<I", b, at, (t + jump) % (1 << 32))
open(dst, "wb").write(b)
PY
}

S=samples/short.wav   # 8 s, 640 frames at 80 Hz
# every 4th frame 7.5 ms before the one before it: 159 steps of 2^32 - 7.5 ms
clockjump $S "$tmp/back.wav" 4 $(( (1 << 32) - 20000 )) ||
    fail "could not build the hostile file"
# every 8th frame an hour late (then back: two jumps each)
clockjump $S "$tmp/hour.wav" 8 3600000000 || fail "could not build the file"

for speed in 2 1000 100000; do
    start=$(date +%s)
    timeout 30 "$R" replay "$tmp/back.wav" --speed $speed --quiet \
        >"$tmp/o" 2>"$tmp/e"
    rc=$?
    took=$(( $(date +%s) - start ))
    [ $rc -eq 0 ] || fail "back.wav --speed $speed: exit $rc: $(cat "$tmp/e")"
    # 640 frames of 12.5 ms: 4 s of real time at speed 2, whatever the clock
    [ $took -le $((speed == 2 ? 7 : 3)) ] ||
        fail "back.wav --speed $speed took $took s"
    grep -q "159 gaps in the board clock (longest 4295.0 s)" "$tmp/e" ||
        fail "back.wav --speed $speed: the gaps not reported: $(cat "$tmp/e")"
done
timeout 30 "$R" replay "$tmp/hour.wav" --speed 1000 --quiet >"$tmp/o" 2>"$tmp/e" ||
    fail "hour.wav: exit $?"
grep -q "gaps in the board clock (longest 3600.0 s)" "$tmp/e" ||
    fail "hour.wav: gaps not reported: $(cat "$tmp/e")"
# an unharmed file has no gap and says nothing of gaps
"$R" replay $S --speed 1000 --quiet >"$tmp/o" 2>"$tmp/e" || fail "short.wav"
grep -q "gap" "$tmp/e" && fail "short.wav: a gap reported: $(cat "$tmp/e")"

# --from: a time inside the session replays from there, with the whole
# session's summary; outside it, or not a time, is a usage error.
"$R" replay samples/holds.wav --speed 0 --from 6:00 --plain >"$tmp/o" 2>"$tmp/e" ||
    fail "--from 6:00: exit $?"
head -1 "$tmp/o" | grep -q "^6:0" || fail "--from 6:00 started at: $(head -1 "$tmp/o")"
grep -q "Holds" "$tmp/o" || fail "--from: no summary"
"$R" replay samples/holds.wav --from 9:00 >"$tmp/o" 2>"$tmp/e"
[ $? -eq 2 ] && grep -q "only 375.1 s long" "$tmp/e" || fail "--from past the end: $(cat "$tmp/e")"
for bad in 1:2:3:4 x 1:xx -5 1.5:00 ""; do
    "$R" replay samples/holds.wav --from "$bad" >"$tmp/o" 2>"$tmp/e"
    [ $? -eq 2 ] || fail "--from '$bad' accepted"
done

[ $fails -eq 0 ] && echo "test_replay_gaps: ok"
[ $fails -eq 0 ]
