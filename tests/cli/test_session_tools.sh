#!/bin/sh
# Session files open in standard tools: writes a 12-cell session through
# librollmap (a tiny program built here against the build's static
# library), then checks soxi (channels, rate), Python soundfile (every
# value equal as int32) and `rollmap info` (text, --json, exit codes).
# Usage: tests/cli/test_session_tools.sh BUILD   (ROLLMAP = the CLI)
set -u
build=${1:?usage: $0 BUILD}
ROLLMAP=${ROLLMAP:-$build/rollmap}
PY=/usr/bin/python3
tmp=$(mktemp -d /tmp/rm-session-tools.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cat > "$tmp/w.c" <<'CEOF'
#include <stdio.h>
#include <string.h>
#include "rollmap.h"
/* Frame k: seq k (one gap of 2 after frame 99), time 12500 k us, encoder
 * -3k, cell i = (k * 1000003 + i * 7) - 2^31 wrapped: covers the int32
 * range; frame 0 holds INT32_MIN, frame 1 INT32_MAX in every cell. */
int main(int argc, char **argv)
{
    rm_session_meta m;
    memset(&m, 0, sizeof m);
    rm_descriptor_rev_a(&m.desc);
    m.leg = RM_LEG_LEFT;
    m.start_unix_us = 1763700000250000LL;
    snprintf(m.notes, sizeof m.notes, "tight spot\x1b[31m mid-calf");
    rm_session_writer *w;
    rm_error e;
    if (argc != 2 || rm_session_writer_new(argv[1], &m, 0, &w, &e)) {
        fprintf(stderr, "writer: %s\n", argc == 2 ? e.msg : "usage");
        return 1;
    }
    for (unsigned k = 0; k < 800; k++) {
        rm_frame f;
        memset(&f, 0, sizeof f);
        f.seq = k < 100 ? k : k + 2;
        f.time_us = 12500u * k;
        f.encoder = -3 * (int)k;
        for (unsigned i = 0; i < m.desc.cells; i++)
            f.cells[i] = (int)(unsigned)(k * 1000003u + i * 7u + 0x80000000u);
        if (k < 2)
            for (unsigned i = 0; i < m.desc.cells; i++)
                f.cells[i] = k ? 2147483647 : -2147483647 - 1;
        if (rm_session_writer_append(w, &f, 1))
            return 1;
    }
    return rm_session_writer_close(w) ? 1 : 0;
}
CEOF
cc -std=c11 -Ilib -I"$build/include" -o "$tmp/w" "$tmp/w.c" \
    "$build/librollmap.a" $(pkg-config --libs sndfile) -lm \
    || fail "cannot build the writer"
"$tmp/w" "$tmp/s.wav" || fail "writer failed"

# sox sees 15 channels of 32-bit PCM at 80 Hz, 800 samples.
[ "$(soxi -c "$tmp/s.wav")" = 15 ] || fail "soxi channels: $(soxi -c "$tmp/s.wav")"
[ "$(soxi -r "$tmp/s.wav")" = 80 ] || fail "soxi rate: $(soxi -r "$tmp/s.wav")"
[ "$(soxi -s "$tmp/s.wav")" = 800 ] || fail "soxi samples"
[ "$(soxi -b "$tmp/s.wav")" = 32 ] || fail "soxi bits"

# Python soundfile reads the same int32 values.
$PY - "$tmp/s.wav" <<'PYEOF' || fail "soundfile check"
import sys
import numpy as np
import soundfile as sf
data, rate = sf.read(sys.argv[1], dtype='int32')
assert rate == 80, rate
assert data.shape == (800, 15), data.shape
k = np.arange(800, dtype=np.uint64)
cells = ((k[:, None] * 1000003 + np.arange(12, dtype=np.uint64)[None, :] * 7
          + 0x80000000) % 2**32).astype(np.uint32).view(np.int32)
cells[0, :] = -2**31
cells[1, :] = 2**31 - 1
assert (data[:, :12] == cells).all(), "cells differ"
assert (data[:, 12] == -3 * k.astype(np.int64)).all(), "encoder differs"
assert (data[:, 13].view(np.uint32) == 12500 * k).all(), "time differs"
seq = np.where(k < 100, k, k + 2)
assert (data[:, 14].view(np.uint32) == seq).all(), "seq differs"
PYEOF

# rollmap info: text, JSON, escapes, exit codes.
out=$("$ROLLMAP" info "$tmp/s.wav") || fail "info exit $?"
echo "$out" | grep -q '^cells: *12$' || fail "info cells: $out"
echo "$out" | grep -q '^dropped: *2$' || fail "info dropped: $out"
echo "$out" | grep -q '^frames: *800$' || fail "info frames: $out"
echo "$out" | grep -q '^duration: *10.000 s$' || fail "info duration: $out"
echo "$out" | grep -q '^leg: *left$' || fail "info leg: $out"
echo "$out" | grep -q '^start: *2025-11-21T04:40:00.250000Z$' || fail "info start: $out"
echo "$out" | grep -q '^container: *WAV' || fail "info container: $out"
echo "$out" | grep -q 'tight spot\\x1b\[31m mid-calf' || fail "notes not escaped: $out"
printf '%s' "$out" | grep -q "$(printf '\033')" && fail "raw ESC reached the terminal"
"$ROLLMAP" info --json "$tmp/s.wav" > "$tmp/i.json" || fail "info --json"
$PY - "$tmp/i.json" <<'PYEOF' || fail "info --json content"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["format_version"] == 1 and j["frames"] == 800, j
assert j["dropped_frames"] == 2 and j["descriptor"]["cells"] == 12, j
assert j["notes"] == "tight spot\x1b[31m mid-calf", j["notes"]
assert j["container"] == "WAV" and j["leg"] == "left", j
PYEOF
"$ROLLMAP" info --help | grep -q 'Example: rollmap info' || fail "--help"
"$ROLLMAP" info --bogus "$tmp/s.wav" 2>/dev/null; [ $? -eq 2 ] || fail "bad option exit"
"$ROLLMAP" info 2>/dev/null; [ $? -eq 2 ] || fail "no file exit"
printf 'just text\n' > "$tmp/t.wav"
err=$("$ROLLMAP" info "$tmp/t.wav" 2>&1); rc=$?
[ $rc -eq 3 ] || fail "text file exit $rc"
case $err in "rollmap info: $tmp/t.wav: "*) ;; *) fail "message: $err" ;; esac
"$ROLLMAP" info "$tmp/absent.wav" 2>/dev/null; [ $? -eq 1 ] || fail "missing file exit"

# A simulated session with lost frames: the simulator's own count (the
# writer's) and info's full read pass (the reader's) agree.
if "$ROLLMAP" sim --help >/dev/null 2>&1; then
    "$ROLLMAP" sim noisy -o "$tmp/n.wav" 2> "$tmp/sim.err" || fail "sim noisy"
    sim_dropped=$(sed -n 's/.*, \([0-9][0-9]*\) dropped).*/\1/p' "$tmp/sim.err")
    [ -n "$sim_dropped" ] && [ "$sim_dropped" -gt 0 ] ||
        fail "sim noisy reported no lost frames: $(cat "$tmp/sim.err")"
    "$ROLLMAP" info "$tmp/n.wav" | grep -q "^dropped: *$sim_dropped\$" ||
        fail "info dropped differs from sim's $sim_dropped"
    [ "$(soxi -c "$tmp/n.wav")" = 15 ] || fail "sim file channels"
fi
echo "session tools: ok"
