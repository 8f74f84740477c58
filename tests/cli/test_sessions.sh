#!/bin/sh
# rollmap sessions DIR: one row per session file, oldest first, with the
# person, leg, local start time with its zone offset, duration, holds and
# spots; files that are not sessions listed with the reason (exit 3);
# JSON; usage errors.
# Usage: tests/cli/test_sessions.sh BUILD   (ROLLMAP = the CLI)
set -u
build=${1:?usage: $0 BUILD}
R=${ROLLMAP:-$build/rollmap}
R=$(cd "$(dirname "$R")" && pwd)/$(basename "$R")
here=$(cd "$(dirname "$0")" && pwd)
samples=$here/../../samples
tmp=$(mktemp -d /tmp/rm-sessions.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
expect() {
    code=$1; what=$2; shift 3
    "$@" >"$tmp/o" 2>"$tmp/e"; rc=$?
    [ "$rc" -eq "$code" ] || { fail "$what: exit $rc, want $code: $(cat "$tmp/e")"; return 1; }
}
has() { grep -q -- "$2" "$1" || { fail "$3: no '$2' in: $(cat "$1")"; return 1; }; }

expect 2 "no folder" -- "$R" sessions
expect 2 "bad format" -- "$R" sessions -f csv "$tmp"
expect 1 "missing folder" -- "$R" sessions "$tmp/none"
mkdir "$tmp/d"
expect 0 "empty folder" -- "$R" sessions "$tmp/d" && has "$tmp/o" "No session files" "empty"

cp "$samples/basic.wav" "$tmp/d/b.wav"      # left, 2026-05-19 01:15:45 UTC
cp "$samples/short.wav" "$tmp/d/a.wav"      # right, 2026-05-30 04:30:13 UTC
cp "$samples/holds.wav" "$tmp/d/c.WAV"      # right, 2026-01-07 17:55:45 UTC
"$R" tag "$tmp/d/b.wav" --person "Anna Müller" >/dev/null
echo "hello" >"$tmp/d/notes.txt"
mkdir "$tmp/d/folder.wav"
export TZ=XYZ-2   # POSIX zone: two hours east of UTC, no tzdata needed
expect 0 "table" -- "$R" sessions "$tmp/d" &&
    has "$tmp/o" "3 files" "three sessions, the text file and folder skipped"
# Oldest first, local time with offset, duration m:ss, holds and spots as
# the report counts them.
sed -n 3p "$tmp/o" | grep -Eq '^- +right +2026-01-07 19:55 \+0200 +6:15 +9 +4 +c\.WAV$' ||
    fail "row 1: $(sed -n 3p "$tmp/o")"
sed -n 4p "$tmp/o" | grep -Eq '^Anna Müller +left +2026-05-19 03:15 \+0200 +6:11 +3 +4 +b\.wav$' ||
    fail "row 2: $(sed -n 4p "$tmp/o")"
sed -n 5p "$tmp/o" | grep -Eq '^- +right +2026-05-30 06:30 \+0200 +0:08 +0 +0 +a\.wav$' ||
    fail "row 3: $(sed -n 5p "$tmp/o")"
"$R" report -f json "$tmp/d/b.wav" | python3 -c '
import json, sys
r = json.load(sys.stdin)
assert len(r["holds"]) == 3 and len(r["peaks"]) == 4, (len(r["holds"]), len(r["peaks"]))
' || fail "report disagrees with the sessions row"

expect 0 "json" -- "$R" sessions -f json "$tmp/d" &&
    python3 - "$tmp/o" <<'PY' || fail "json content: $(cat "$tmp/o")"
import json, sys
rows = json.load(open(sys.argv[1]))
assert [r["file"] for r in rows] == ["c.WAV", "b.wav", "a.wav"], rows
b = rows[1]
assert b["person"] == "Anna Müller" and b["leg"] == "left", b
assert b["start_local"] == "2026-05-19T03:15:45+02:00", b["start_local"]
assert b["holds"] == 3 and b["peaks"] == 4 and abs(b["duration_s"] - 371.3) < 0.1, b
assert rows[0]["person"] is None
PY

# A file that is not a session: listed last with the reason, exit 3.
printf 'RIFF junk' >"$tmp/d/broken.wav"
expect 3 "broken file" -- "$R" sessions "$tmp/d" &&
    { tail -n 1 "$tmp/o" | grep -q "broken.wav: not a WAV file" ||
      fail "broken row: $(tail -n 1 "$tmp/o")"; }
expect 3 "broken file json" -- "$R" sessions -f json "$tmp/d" &&
    has "$tmp/o" '"valid":false' "json invalid row"

[ $fails -eq 0 ] && echo "test_sessions: ok" >&2
exit $((fails > 0))
