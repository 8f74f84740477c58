#!/bin/sh
# rollmap tag and the leg (issue 15): record refuses to start without a
# leg off a terminal; tag rewrites leg, notes and person with the frames
# untouched; a SIGKILL at every step of the rewrite leaves the old or the
# new file, complete; report/replay/trend/info --leg override a file's leg;
# format 1.0 files still read and 1.1 extension records unknown to this
# reader are skipped.
# Usage: tests/cli/test_tag.sh BUILD   (ROLLMAP = the CLI)
set -u
build=${1:?usage: $0 BUILD}
R=${ROLLMAP:-$build/rollmap}
R=$(cd "$(dirname "$R")" && pwd)/$(basename "$R")
here=$(cd "$(dirname "$0")" && pwd)
samples=$here/../../samples
tmp=$(mktemp -d /tmp/rm-tag.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
expect() {
    code=$1; what=$2; shift 3
    "$@" >"$tmp/o" 2>"$tmp/e" </dev/null; rc=$?
    [ "$rc" -eq "$code" ] || { fail "$what: exit $rc, want $code: $(cat "$tmp/e")"; return 1; }
}
has() { grep -q -- "$2" "$1" || { fail "$3: no '$2' in: $(cat "$1")"; return 1; }; }
hasnt() { ! grep -q -- "$2" "$1" || { fail "$3: '$2' in: $(cat "$1")"; return 1; }; }

# The frames of a session (the 'data' chunk's bytes), for comparisons.
frames() {
    python3 - "$1" <<'EOF'
import hashlib, struct, sys
b = open(sys.argv[1], 'rb').read()
at = 12
while at + 8 <= len(b):
    cid, n = b[at:at + 4], struct.unpack('<I', b[at + 4:at + 8])[0]
    if cid == b'data':
        print(hashlib.sha256(b[at + 8:]).hexdigest())
        break
    at += 8 + n + (n & 1)
EOF
}

# 1. record without a leg, not on a terminal: exit 2 before the board.
expect 2 "record without --leg" -- "$R" record -p "$tmp/no-port" -o "$tmp/r.wav" &&
    has "$tmp/e" "--leg left or --leg right" "record leg message"
[ ! -e "$tmp/r.wav" ] || fail "record without --leg created a file"
# On a terminal record asks: an answer lets it go on to the board (here a
# port that does not exist: exit 4); three bad answers are a usage error.
[ "$(python3 "$here/ask_leg.py" "$R" "$tmp/no-port" left)" = 4 ] ||
    fail "record on a terminal: the answer 'left' was not taken"
[ "$(python3 "$here/ask_leg.py" "$R" "$tmp/no-port" x,y,z)" = 2 ] ||
    fail "record on a terminal: three bad answers not a usage error"
# --sim takes the virtual board's leg (seed 1 basic: the samples' leg).
expect 0 "record --sim without --leg" -- "$R" record --sim=short --no-realtime \
    --duration 1 --quiet --person "P 7" -o "$tmp/sim.wav" &&
    expect 0 "info sim" -- "$R" info "$tmp/sim.wav" &&
    { grep -Eq '^leg: +(left|right)$' "$tmp/o" || fail "sim leg: $(grep leg "$tmp/o")"; } &&
    has "$tmp/o" "person: *P 7" "record --person"

# 2. tag: usage.
cp "$samples/basic.wav" "$tmp/a.wav"
expect 2 "tag nothing" -- "$R" tag "$tmp/a.wav" && has "$tmp/e" "nothing to change" "tag nothing"
expect 2 "tag bad leg" -- "$R" tag "$tmp/a.wav" --leg middle
expect 2 "tag no file" -- "$R" tag --leg left
expect 2 "tag long person" -- "$R" tag "$tmp/a.wav" --person \
    "$(printf '%070d' 0)"
expect 2 "tag control person" -- "$R" tag "$tmp/a.wav" --person "$(printf 'a\033b')"
expect 1 "tag missing" -- "$R" tag "$tmp/none.wav" --leg left
printf 'not a wav' >"$tmp/text.wav"
expect 3 "tag text" -- "$R" tag "$tmp/text.wav" --leg left
ln -s a.wav "$tmp/link.wav"
expect 1 "tag symlink" -- "$R" tag "$tmp/link.wav" --leg left &&
    has "$tmp/e" "symbolic link" "tag symlink message"
cmp -s "$samples/basic.wav" "$tmp/a.wav" || fail "refused tags changed the file"

# 3. tag rewrites the metadata, frames untouched, mode kept.
chmod 640 "$tmp/a.wav"
before=$(frames "$tmp/a.wav")
expect 0 "tag" -- "$R" tag "$tmp/a.wav" --leg right --person "Anna Müller" \
    --notes "after the 10 k"
expect 0 "info tagged" -- "$R" info "$tmp/a.wav" &&
    has "$tmp/o" "^leg: *right" "tagged leg" &&
    has "$tmp/o" "person: *Anna Müller" "tagged person" &&
    has "$tmp/o" "notes: *after the 10 k" "tagged notes"
[ "$(frames "$tmp/a.wav")" = "$before" ] || fail "tag changed the frames"
[ "$(stat -c %a "$tmp/a.wav")" = 640 ] || fail "tag lost the file mode"
soxi "$tmp/a.wav" 2>/dev/null | grep -q "Channels *: 15" ||
    fail "tagged file no longer a plain WAV for sox"
expect 0 "tag shorter" -- "$R" tag "$tmp/a.wav" --notes "" --person ""
expect 0 "info shorter" -- "$R" info --json "$tmp/a.wav" &&
    has "$tmp/o" '"person": *""' "cleared person" &&
    has "$tmp/o" '"leg": *"right"' "leg kept"
[ "$(frames "$tmp/a.wav")" = "$before" ] || fail "second tag changed the frames"
ls "$tmp" | grep -q "tag-" && fail "tag left a temporary file"

# 4. SIGKILL at every step of the rewrite: old or new, never broken.
cp "$samples/basic.wav" "$tmp/orig.wav"
k=1; new_seen=0; old_seen=0; orig_frames=$(frames "$tmp/orig.wav")
while [ $k -le 60 ]; do
    cp "$tmp/orig.wav" "$tmp/k.wav"
    ROLLMAP_TEST_KILL_AT=$k "$R" tag "$tmp/k.wav" --leg right --person kim \
        --notes "a longer note than before, so the chunk grows" \
        >/dev/null 2>&1
    rc=$?
    if ! "$R" info "$tmp/k.wav" >"$tmp/ki" 2>&1; then
        fail "kill at step $k (exit $rc): file broken: $(cat "$tmp/ki")"
    elif grep -q "person: *kim" "$tmp/ki"; then
        new_seen=$((new_seen + 1))
        grep -q "^leg: *right" "$tmp/ki" || fail "kill at $k: half-new metadata"
    else
        cmp -s "$tmp/orig.wav" "$tmp/k.wav" ||
            fail "kill at step $k: neither the old nor the new file"
        old_seen=$((old_seen + 1))
    fi
    [ "$(frames "$tmp/k.wav")" = "$orig_frames" ] ||
        fail "kill at step $k: frames changed"
    rm -f "$tmp"/k.wav.tag-*
    [ $rc -eq 0 ] && break
    [ $rc -eq 137 ] || fail "kill at step $k: exit $rc, want 137 (killed)"
    k=$((k + 1))
done
[ $rc -eq 0 ] || fail "the rewrite never finished within 60 steps"
[ $old_seen -ge 20 ] && [ $new_seen -ge 2 ] ||
    fail "kill steps: old $old_seen, new $new_seen (the kills missed the copy)"

# 5. --leg overrides the file's leg in report, replay, trend and info.
cp "$samples/basic.wav" "$tmp/u.wav"
"$R" tag "$tmp/u.wav" --leg unknown >/dev/null
expect 0 "report unknown" -- "$R" report -f json "$tmp/u.wav" &&
    has "$tmp/o" '"leg": "unknown"' "unknown leg in report"
expect 0 "report --leg" -- "$R" report -f json --leg left "$tmp/u.wav" &&
    has "$tmp/o" '"leg": "left"' "report --leg"
"$R" report -f json "$samples/basic.wav" >"$tmp/left.json" 2>/dev/null
cmp -s "$tmp/o" "$tmp/left.json" ||
    fail "report --leg left of an untagged copy differs from the left file's"
expect 2 "report bad --leg" -- "$R" report --leg up "$tmp/u.wav"
expect 0 "replay --leg" -- "$R" replay -q --speed 0 --leg left "$tmp/u.wav" &&
    has "$tmp/o" "left calf" "replay --leg"
expect 0 "trend --leg" -- "$R" trend --leg right "$tmp/u.wav" &&
    has "$tmp/o" " right " "trend --leg"
expect 0 "info --leg" -- "$R" info --leg right "$tmp/u.wav" &&
    has "$tmp/o" "^leg: *right" "info --leg"

# 6. Format 1.1 with a record this reader does not know (tag 99) ahead of
#    the person: skipped, person read. A record overrunning the area: refused.
python3 - "$tmp/a.wav" "$tmp/x.wav" "$tmp/bad.wav" <<'EOF'
import struct, sys, zlib
b = bytearray(open(sys.argv[1], 'rb').read())
at = 12
while b[at:at + 4] != b'rmap':
    at += 8 + struct.unpack('<I', b[at + 4:at + 8])[0]
n = struct.unpack('<I', b[at + 4:at + 8])[0]
c = bytes(b[at + 8:at + 8 + n])
cells, fw, sn, notes, ext = (struct.unpack('<I', c[12:16])[0],) + struct.unpack('<4H', c[48:56])
body = 56 + 8 * cells + fw + sn + notes
def chunk(extra):
    e = c[body:body + ext] + extra
    head = bytearray(c[:body])
    struct.pack_into('<H', head, 54, len(e))
    p = bytes(head) + e
    p += b'\0' * (-len(p) % 4)
    p = bytearray(p + b'\0\0\0\0')
    struct.pack_into('<I', p, 8, len(p))
    struct.pack_into('<I', p, len(p) - 4, zlib.crc32(bytes(p[:-4])))
    return bytes(p)
def out(path, rec):
    new = chunk(rec)
    d = b[:at + 4] + struct.pack('<I', len(new)) + new + b[at + 8 + n:]
    d = bytearray(d)
    struct.pack_into('<I', d, 4, len(d) - 8)
    open(path, 'wb').write(d)
out(sys.argv[2], struct.pack('<HH', 99, 3) + b'xyz' + struct.pack('<HH', 1, 3) + b'bob')
out(sys.argv[3], struct.pack('<HH', 1, 200) + b'bob')
EOF
expect 0 "1.1 unknown record" -- "$R" info "$tmp/x.wav" &&
    has "$tmp/o" "person: *bob" "person after an unknown record"
expect 3 "1.1 overrun record" -- "$R" info "$tmp/bad.wav" &&
    has "$tmp/e" "overruns" "overrun message"
# 1.0 files (the bundled samples) still read, with no person.
expect 0 "1.0 sample" -- "$R" info --json "$samples/short.wav" &&
    has "$tmp/o" '"person": *""' "1.0 file person"

# --json: one object whose frames, duration and leg are what info says;
# --quiet: nothing on stdout.
cp "$samples/short.wav" "$tmp/j.wav"
expect 0 "tag --json" -- "$R" tag "$tmp/j.wav" --leg right --json &&
    "$R" info --json "$tmp/j.wav" > "$tmp/info.json" &&
    /usr/bin/python3 - "$tmp/o" "$tmp/info.json" "$tmp/j.wav" <<'EOF_PY' ||
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 1, lines
o, i = json.loads(lines[0]), json.load(open(sys.argv[2]))
assert set(o) == {"file", "frames", "dropped", "duration_s", "leg", "errors"}, o
assert o["file"] == sys.argv[3] and o["leg"] == "right", o
assert o["frames"] == i["frames"] and o["dropped"] == i["dropped_frames"], (o, i)
assert abs(o["duration_s"] - i["duration_s"]) < 0.001, (o, i)
EOF_PY
    fail "tag --json does not match info: $(cat "$tmp/o")"
expect 0 "tag --quiet" -- "$R" tag "$tmp/j.wav" --person q --quiet &&
    { [ ! -s "$tmp/o" ] || fail "tag --quiet printed: $(cat "$tmp/o")"; }

[ $fails -eq 0 ] && echo "test_tag: ok" >&2
exit $((fails > 0))
