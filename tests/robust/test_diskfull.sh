#!/bin/sh
# Resource faults while writing: a file size limit (RLIMIT_FSIZE, EFBIG)
# and a full disk (a 256 KiB tmpfs, ENOSPC; needs root and unshare, else
# skipped with a note). Each time: a clear message, exit 1, the session
# file up to that point valid and bit-exact (a prefix of the same
# simulation written without limits), and no half file under a final name.
# $1: build directory; $ROLLMAP: the CLI.
set -u
R=${ROLLMAP:-$1/rollmap}
PY=/usr/bin/python3
tmp=$(mktemp -d /tmp/rollmap-diskfull.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0
ok()   { echo "ok   $*"; }
fail() { echo "FAIL $*"; fails=$((fails + 1)); }

# The same frames with no limit, to compare against (the same command:
# --duration cuts the simulated session, it does not plan a shorter one).
"$R" record --sim=stress --no-realtime --duration 3 -q -o "$tmp/full.wav" \
    >/dev/null 2>&1 ||
    { echo "FAIL cannot make the reference session"; exit 1; }

# prefix_of FILE: FILE's frames are the first frames of full.wav, >= 100.
prefix_of() {
    "$PY" - "$1" "$tmp/full.wav" <<'PY'
import sys, numpy as np, soundfile as sf
a, _ = sf.read(sys.argv[1], dtype='int32')
b, _ = sf.read(sys.argv[2], dtype='int32')
sys.exit(0 if 100 <= len(a) <= len(b) and np.array_equal(a, b[:len(a)]) else 1)
PY
}

# no_debris DIR NAME...: none of NAME exists, nor any *.tmp-* file.
no_debris() {
    d=$1; shift
    for n in "$@"; do [ -e "$d/$n" ] && return 1; done
    [ -z "$(find "$d" -name '*.tmp-*')" ]
}

# 1. File size limit: 200 blocks of 512 bytes = 100 KiB.
mkdir "$tmp/fsz"
(
    cd "$tmp/fsz" || exit 1
    trap '' XFSZ
    ulimit -f 200
    "$R" record --sim=stress --no-realtime --duration 3 -q -o a.wav \
        >/dev/null 2>err
    echo $? >rc
    "$R" report -f csv -o big.csv "$tmp/full.wav" >/dev/null 2>rerr
    echo $? >rrc
)
[ "$(cat "$tmp/fsz/rc")" = 1 ] && ok "size limit: record exits 1" ||
    fail "size limit: record exit $(cat "$tmp/fsz/rc")"
grep -q "record: .*a.wav.*File too large" "$tmp/fsz/err" &&
    ok "size limit: says so: $(grep 'too large' "$tmp/fsz/err")" ||
    fail "size limit: message: $(cat "$tmp/fsz/err")"
( cd "$tmp/fsz" && "$R" info a.wav >/dev/null ) &&
    ok "size limit: the session reopens" || fail "size limit: info failed"
prefix_of "$tmp/fsz/a.wav" && ok "size limit: frames kept are exact" ||
    fail "size limit: frames differ from the reference"
# record's closing line counts the frames in the file, not those pushed.
said=$(sed -n 's/.*: \([0-9]*\) frames (.*/\1/p' "$tmp/fsz/err" | tail -n 1)
held=$( cd "$tmp/fsz" && "$R" info a.wav | sed -n 's/^frames: *//p')
[ -n "$said" ] && [ "$said" = "$held" ] &&
    ok "size limit: record says $said frames, the file holds $held" ||
    fail "size limit: record says '$said' frames, the file holds '$held'"
[ "$(cat "$tmp/fsz/rrc")" = 1 ] && no_debris "$tmp/fsz" big.csv &&
    ok "size limit: report fails, leaves no big.csv nor temporary file" ||
    fail "size limit: report exit $(cat "$tmp/fsz/rrc"), files: $(ls "$tmp/fsz")"

# 2. --force over an existing session when the run fails before any
#    frame (no board there): the old file is untouched, nothing is left.
cp "$tmp/full.wav" "$tmp/keep.wav"
( cd "$tmp" && "$R" record -p "$tmp/no-such-tty" --leg left --force -q -o keep.wav \
      >/dev/null 2>keep.err; echo $? >keep.rc )
[ "$(cat "$tmp/keep.rc")" != 0 ] && cmp -s "$tmp/full.wav" "$tmp/keep.wav" &&
    no_debris "$tmp" &&
    ok "--force with no board: exit $(cat "$tmp/keep.rc"), old session intact" ||
    fail "--force failure: exit $(cat "$tmp/keep.rc"), old file changed or debris"

# 3. Full disk (ENOSPC) on a small tmpfs, in a private mount namespace.
if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null 2>&1 ||
   ! unshare -m true 2>/dev/null; then
    echo "skip full disk: needs root and unshare -m"
else
    mkdir "$tmp/full"
    # Exit codes and messages go to $O, outside the full filesystem.
    O="$tmp/out"; mkdir "$O"
    R="$R" D="$tmp/full" O="$O" unshare -m sh -c '
        mount -t tmpfs -o size=256k tmpfs "$D" || exit 9
        cd "$D" || exit 9
        "$R" record --sim=stress --no-realtime --duration 3 -q -o a.wav \
            >/dev/null 2>"$O/err"; echo $? >"$O/rc"
        "$R" report -f html -o r.html a.wav >/dev/null 2>"$O/rerr"
        echo $? >"$O/rrc"
        "$R" sim basic -q -o s.wav 2>"$O/serr"; echo $? >"$O/src"
        ls -A >"$O/ls"
        cp a.wav "$O/a.wav"
        cd / && umount "$D"
    ' || fail "full disk: could not mount a tmpfs"
    d=$O
    [ "$(cat "$d/rc")" = 1 ] && grep -q "No space left on device" "$d/err" &&
        ok "full disk: record exits 1: $(grep 'No space' "$d/err")" ||
        fail "full disk: record exit $(cat "$d/rc"): $(cat "$d/err")"
    "$R" info "$d/a.wav" >/dev/null && prefix_of "$d/a.wav" &&
        ok "full disk: the session reopens, frames exact" ||
        fail "full disk: session unreadable or frames differ"
    [ "$(cat "$d/rrc")" = 1 ] && grep -q "No space" "$d/rerr" &&
        ! grep -q -e '^r.html$' -e 'tmp-' "$d/ls" &&
        ok "full disk: report exits 1, no r.html, no temporary file" ||
        fail "full disk: report exit $(cat "$d/rrc"): $(cat "$d/rerr")"
    [ "$(cat "$d/src")" = 1 ] && ! grep -q -e '^s.wav' -e 'tmp-' "$d/ls" &&
        ok "full disk: sim exits 1, no s.wav" ||
        fail "full disk: sim exit $(cat "$d/src"): $(cat "$d/serr"); $(cat "$d/ls")"
fi
[ "$fails" -eq 0 ] && echo "disk full: ok" || echo "disk full: $fails failed"
[ "$fails" -eq 0 ]
