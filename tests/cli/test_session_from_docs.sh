#!/bin/sh
# A session writer written from docs/session-format.md alone (Python, no
# libsndfile): a plain 16-byte PCM 'fmt ', the 'rmap' chunk byte by byte
# with its CRC-32, and 'data'. rollmap must read it back exactly: the
# descriptor, leg, start, notes, frames, duration from the board clock,
# and frames lost; with 'rmap' after 'data' too; start 0 is unknown.
#   tests/cli/test_session_from_docs.sh BUILD   (ROLLMAP=path/to/rollmap)
set -u
build=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
ROLLMAP=${ROLLMAP:-$root/$build/rollmap}
PY=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# write.py OUT ORDER START: 4 cells at 50 Hz, 200 frames, seq 10..209
# with 5 frames (100..104) missing, leg right.
cat >"$tmp/write.py" <<'PY'
import struct, sys, zlib
out, order, start = sys.argv[1], sys.argv[2], int(sys.argv[3])
cells, rate = 4, 50.0
fw, sn, notes = b"docs-fw 1", b"DOC-7", "from the docs \u00e9".encode()
scale = [0.001, 0.002, 0.003, 0.004]
tare = [-5, 0, 5, 100000]
body = struct.pack("<4sHHI", b"RMAP", 1, 0, 0)            # length later
body += struct.pack("<IfffIfIqHHHH", cells, 20.0, 700.0, 72.0, 2400, rate,
                    2, start, len(fw), len(sn), len(notes), 0)
body += struct.pack("<%df" % cells, *scale)
body += struct.pack("<%di" % cells, *tare)
body += fw + sn + notes
body += b"\0" * (-len(body) % 4)
length = len(body) + 4
body = body[:8] + struct.pack("<I", length) + body[12:]
rmap = body + struct.pack("<I", zlib.crc32(body) & 0xffffffff)
ch = cells + 3
frames = b""
t = 4294000000                       # the board clock wraps inside
for k in range(205):
    if 90 <= k < 95:
        continue                     # lost on the link
    seq = 10 + k
    tk = (t + k * 20000) & 0xffffffff
    row = [k * 10 + i for i in range(cells)] + [k * 3, tk, seq]
    frames += struct.pack("<%di" % ch, *[v - (1 << 32) if v >= 1 << 31 else v for v in row])
fmt = struct.pack("<HHIIHH", 1, ch, round(rate), round(rate) * ch * 4, ch * 4, 32)
def chunk(cid, data):
    return cid + struct.pack("<I", len(data)) + data + b"\0" * (len(data) & 1)
parts = [chunk(b"fmt ", fmt)]
parts += [chunk(b"rmap", rmap), chunk(b"data", frames)] if order == "before" \
    else [chunk(b"data", frames), chunk(b"rmap", rmap)]
riff = b"WAVE" + b"".join(parts)
open(out, "wb").write(b"RIFF" + struct.pack("<I", len(riff)) + riff)
PY

for order in before after; do
    "$PY" "$tmp/write.py" "$tmp/$order.wav" $order 1763700000250000 ||
        { bad "writer ($order)"; continue; }
    if ! "$ROLLMAP" info --json "$tmp/$order.wav" >"$tmp/i.json" 2>"$tmp/err"; then
        bad "rmap $order data: $(cat "$tmp/err")"; continue
    fi
    "$PY" - "$tmp/i.json" <<'PY' || bad "rmap $order data: values"
import json, sys
j = json.load(open(sys.argv[1]))
d = j["descriptor"]
assert d["cells"] == 4 and d["rate_hz"] == 50 and d["cell_area_mm2"] == 700, d
assert d["tare_counts"] == [-5, 0, 5, 100000], d
assert abs(d["scale_n_per_count"][3] - 0.004) < 1e-9, d
assert d["firmware"] == "docs-fw 1" and d["serial"] == "DOC-7", d
assert j["leg"] == "right" and j["notes"] == "from the docs \u00e9", j
assert j["start_utc"] == "2025-11-21T04:40:00.250000Z", j["start_utc"]
assert j["frames"] == 200 and j["dropped_frames"] == 5, j
assert abs(j["duration_s"] - 205 * 0.02) < 1e-6, j["duration_s"]
PY
done
"$ROLLMAP" report "$tmp/before.wav" >/dev/null 2>"$tmp/err" ||
    bad "report of the docs-written session: $(cat "$tmp/err")"
"$PY" "$tmp/write.py" "$tmp/nostart.wav" before 0
"$ROLLMAP" info "$tmp/nostart.wav" 2>&1 | grep -q '^start: *unknown$' ||
    bad "start 0 is not shown as unknown"

[ $fail -eq 0 ] && echo "session from docs: ok"
exit $fail
