#!/bin/sh
# Outputs never destroy anything (rollmap(1), OUTPUT FILES): a device or
# FIFO given as -o is written in place and stays what it was (--force
# or not); a symbolic link is written through and stays a link; an
# output that is one of the inputs is refused with exit 2; the format
# follows the extension unless -f says otherwise, a contradiction is
# exit 2; the session writer (record, sim) refuses a non-regular file.
# Device nodes are made here with mknod (as root) so the real /dev/null
# is never touched.
#   tests/cli/test_outputs.sh BUILD   (ROLLMAP=path/to/rollmap)
set -u
build=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
ROLLMAP=${ROLLMAP:-$root/$build/rollmap}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
expect() {
    want=$1; shift
    "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    [ "$got" -eq "$want" ] || { bad "exit $got, wanted $want: $*"; cat "$tmp/err"; }
}
err_has() { grep -qF -- "$1" "$tmp/err" || { bad "stderr lacks '$1'"; cat "$tmp/err"; }; }

s=$tmp/s.wav
s2=$tmp/s2.wav
"$ROLLMAP" sim short -o "$s" --seed 5 >/dev/null 2>&1 &&
    "$ROLLMAP" sim short -o "$s2" --seed 6 >/dev/null 2>&1 ||
    { echo "FAIL: rollmap sim short"; exit 1; }
cp "$s" "$tmp/orig.wav"
"$ROLLMAP" report "$s" -f json >"$tmp/want.json" 2>/dev/null

# --- 1. devices, FIFOs, symbolic links ------------------------------
if [ "$(id -u)" -eq 0 ]; then
    mknod "$tmp/null" c 1 3
    for cmd in "report $s -f json" "trend $s -f json"; do
        for force in "" --force; do
            # shellcheck disable=SC2086
            expect 0 "$ROLLMAP" $cmd -o "$tmp/null" $force
            [ -c "$tmp/null" ] || { bad "$cmd -o NODE $force replaced the node"; rm -f "$tmp/null"; mknod "$tmp/null" c 1 3; }
        done
    done
    # record and sim write sessions: a node is refused, never replaced.
    expect 1 "$ROLLMAP" sim short -o "$tmp/null" --force
    err_has "not a regular file"
    [ -c "$tmp/null" ] || bad "sim -o NODE --force replaced the node"
    expect 1 "$ROLLMAP" record --sim -q --duration 1 -o "$tmp/null" --force
    err_has "not a regular file"
    [ -c "$tmp/null" ] || bad "record -o NODE --force replaced the node"
else
    echo "note: not root, device-node checks skipped"
fi
mkfifo "$tmp/fifo"
cat "$tmp/fifo" >"$tmp/fromfifo" &
reader=$!
expect 0 "$ROLLMAP" report "$s" -f json -o "$tmp/fifo" --force
# A writer that replaced the FIFO never opened it: do not wait forever.
n=0
while kill -0 $reader 2>/dev/null && [ $n -lt 20 ]; do sleep 0.1; n=$((n + 1)); done
kill $reader 2>/dev/null
wait $reader
[ -p "$tmp/fifo" ] || bad "report -o FIFO replaced the FIFO"
cmp -s "$tmp/fromfifo" "$tmp/want.json" || bad "report through a FIFO differs"
# -o >(gzip > x.gz): the shell's /dev/fd/N, a link to a pipe.
if command -v bash >/dev/null 2>&1 && command -v gzip >/dev/null 2>&1; then
    bash -c '"$1" report "$2" -f json -o >(gzip >"$3"); rc=$?; wait; exit $rc' \
        _ "$ROLLMAP" "$s" "$tmp/r.json.gz" 2>"$tmp/err" ||
        { bad "report -o >(gzip) failed"; cat "$tmp/err"; }
    sleep 1
    gzip -dc "$tmp/r.json.gz" 2>/dev/null | cmp -s - "$tmp/want.json" ||
        bad "report -o >(gzip) output differs"
fi
# A link to a regular file: the target is replaced, the link stays.
echo old >"$tmp/target.json"
ln -s target.json "$tmp/link.json"
expect 1 "$ROLLMAP" report "$s" -o "$tmp/link.json"
err_has "file exists"
expect 0 "$ROLLMAP" report "$s" -o "$tmp/link.json" --force
[ -L "$tmp/link.json" ] || bad "the symbolic link was replaced"
cmp -s "$tmp/target.json" "$tmp/want.json" || bad "link target not written"
ls "$tmp" | grep -q '\.tmp-' && bad "temporary file left behind"
ln -s nowhere.json "$tmp/dangling.json"
expect 1 "$ROLLMAP" report "$s" -o "$tmp/dangling.json" --force
err_has "symbolic link to a missing file"
[ -L "$tmp/dangling.json" ] && [ ! -e "$tmp/nowhere.json" ] ||
    bad "dangling link replaced or followed"
ln -s target.json "$tmp/link.wav"
expect 0 "$ROLLMAP" sim short -o "$tmp/link.wav" --force --seed 5
[ -L "$tmp/link.wav" ] || bad "sim -o LINK replaced the link"
cmp -s "$tmp/target.json" "$s" || bad "sim -o LINK did not write the target"
# /dev/stdout on a regular file: written through the descriptor (no
# "file exists", nothing renamed), and refused when that file is the input.
expect 0 "$ROLLMAP" report "$s" -f json -o /dev/stdout
cmp -s "$tmp/out" "$tmp/want.json" || bad "report -o /dev/stdout differs"
"$ROLLMAP" report "$s" -f json -o /dev/stdout >>"$s" 2>"$tmp/err"
[ $? -eq 2 ] || bad "report -o /dev/stdout >> INPUT not refused"
cmp -s "$s" "$tmp/orig.wav" || bad "report -o /dev/stdout >> INPUT changed it"
# -o - is standard output.
expect 0 "$ROLLMAP" report "$s" -f json -o -
cmp -s "$tmp/out" "$tmp/want.json" || bad "report -o - not standard output"
expect 0 "$ROLLMAP" trend "$s" -o -
[ -s "$tmp/out" ] || bad "trend -o - wrote nothing to standard output"
# A session cannot stream to standard output: said so, no file "-".
(cd "$tmp" && "$ROLLMAP" record --sim=short --no-realtime --duration 1 -q \
    -o - >"$tmp/out" 2>"$tmp/err"); rc=$?
[ $rc -eq 2 ] || bad "record -o -: exit $rc, wanted 2"
err_has "cannot go to standard output"
[ -e "$tmp/-" ] && bad "record -o - created a file named '-'"

# --- 2. an output that is an input ----------------------------------
expect 2 "$ROLLMAP" report "$s" -f html -o "$s" --force
err_has "is the input file"
cmp -s "$s" "$tmp/orig.wav" || bad "report -o INPUT --force changed the session"
ln -s s.wav "$tmp/alias.wav"
expect 2 "$ROLLMAP" report "$s" -f html -o "$tmp/alias.wav" --force
cmp -s "$s" "$tmp/orig.wav" || bad "report -o LINK-TO-INPUT changed the session"
ln "$s" "$tmp/hard.wav"
expect 2 "$ROLLMAP" report "$tmp/hard.wav" -f json -o "$s" --force
expect 2 "$ROLLMAP" trend "$s2" "$s" -f json -o "$s" --force
err_has "is the input file"
cmp -s "$s" "$tmp/orig.wav" || bad "trend -o INPUT --force changed the session"
"$ROLLMAP" report "$s" -f json >>"$s" 2>"$tmp/err"
[ $? -eq 2 ] || bad "report >> INPUT not refused"
cmp -s "$s" "$tmp/orig.wav" || bad "report >> INPUT changed the session"
expect 0 "$ROLLMAP" info "$s"

# --- 3. the format follows the extension ----------------------------
for pair in txt:text json:json csv:csv svg:svg html:html; do
    ext=${pair%%:*}; f=${pair#*:}
    expect 0 "$ROLLMAP" report "$s" -f "$f"
    mv "$tmp/out" "$tmp/by_f.$ext"
    expect 0 "$ROLLMAP" report "$s" -o "$tmp/by_name.$ext"
    cmp -s "$tmp/by_f.$ext" "$tmp/by_name.$ext" ||
        bad "-o x.$ext is not the $f report"
done
expect 0 "$ROLLMAP" report "$s" -o "$tmp/NAME.HTML"
grep -q '<html' "$tmp/NAME.HTML" || bad ".HTML (upper case) not html"
expect 2 "$ROLLMAP" report "$s" -f json -o "$tmp/x.html"
err_has "contradicts"
[ -e "$tmp/x.html" ] && bad "contradiction still wrote a file"
expect 0 "$ROLLMAP" report "$s" -f json -o "$tmp/x.json"
expect 0 "$ROLLMAP" report "$s" -f csv -o "$tmp/x.out"
expect 0 "$ROLLMAP" trend "$s" "$s2" -o "$tmp/t.json"
head -c 1 "$tmp/t.json" | grep -q '{' || bad "trend -o t.json is not JSON"
expect 2 "$ROLLMAP" trend "$s" -o "$tmp/t.csv"
err_has "not a format this command writes"

[ $fail -eq 0 ] && echo "outputs cli: ok"
exit $fail
