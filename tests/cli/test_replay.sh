#!/bin/sh
# rollmap replay: exit codes and messages, and a replay of a recorded
# session at --speed 0 (live view lines to the end, then the report).
# Usage: tests/cli/test_replay.sh BUILD   (ROLLMAP = the CLI)
set -u
build=${1:?usage: $0 BUILD}
R=${ROLLMAP:-$build/rollmap}
tmp=$(mktemp -d /tmp/rm-test_replay.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
expect() {
    code=$1; what=$2; shift 3
    "$@" >"$tmp/o" 2>"$tmp/e"; rc=$?
    [ "$rc" -eq "$code" ] || { fail "$what: exit $rc, want $code: $(cat "$tmp/e")"; return 1; }
}
has() { grep -q -- "$2" "$1" || { fail "$3: no '$2' in: $(cat "$1")"; return 1; }; }

# replay
expect 0 "replay help" -- "$R" replay --help && has "$tmp/o" "--speed X" "replay help"
expect 2 "replay no file" -- "$R" replay && has "$tmp/e" "no session file" "replay no file"
expect 2 "replay two files" -- "$R" replay a.wav b.wav
expect 2 "replay bad speed" -- "$R" replay x.wav --speed -1
expect 2 "replay speed too slow" -- "$R" replay x.wav --speed 1e-9 && has "$tmp/e" "too slow" "slow speed"
expect 1 "replay missing file" -- "$R" replay "$tmp/none.wav" && has "$tmp/e" "none.wav" "missing file named"
echo "not a session" > "$tmp/bad.wav"
expect 3 "replay bad file" -- "$R" replay "$tmp/bad.wav"
# 4 s of board time cut from the 8 s scenario: 320 or 321 frames.
"$R" record --sim=short --no-realtime --duration 4 --quiet -o "$tmp/s.wav" >/dev/null 2>&1 ||
    fail "record for replay failed"
expect 0 "replay" -- "$R" replay "$tmp/s.wav" --speed 0 &&
    has "$tmp/o" "frames 32[01] lost 0" "replay reaches the last frame" &&
    has "$tmp/o" "Holds" "replay report summary"
expect 0 "replay quiet" -- "$R" replay "$tmp/s.wav" --speed 0 --quiet
grep -q "frames [0-9]* lost" "$tmp/o" && fail "replay --quiet printed the live view"

[ $fails -eq 0 ] && echo "test_replay: ok"
[ $fails -eq 0 ]
