#!/bin/sh
# rollmap record: exit codes and messages (usage errors, no board, a port
# where nobody answers, an existing output), a recording from the virtual
# board (frames, metadata, live view lines, report summary), SIGTERM
# ending a real-time recording cleanly, and the default file name.
# Usage: tests/cli/test_record.sh BUILD   (ROLLMAP = the CLI)
set -u
build=${1:?usage: $0 BUILD}
R=${ROLLMAP:-$build/rollmap}
R=$(cd "$(dirname "$R")" && pwd)/$(basename "$R")
tmp=$(mktemp -d /tmp/rm-record.XXXXXX)
spid=""
trap '[ -n "$spid" ] && kill $spid 2>/dev/null; rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
# expect CODE DESCRIPTION -- CMD...: exit code check, output kept in $tmp/o, $tmp/e
expect() {
    code=$1; what=$2; shift 3
    "$@" >"$tmp/o" 2>"$tmp/e"; rc=$?
    [ "$rc" -eq "$code" ] || { fail "$what: exit $rc, want $code: $(cat "$tmp/e")"; return 1; }
}
has() { grep -q -- "$2" "$1" || { fail "$3: no '$2' in: $(cat "$1")"; return 1; }; }

# Usage.
expect 0 "help" -- "$R" record --help && has "$tmp/o" "--duration SEC" "help" &&
    has "$tmp/o" "Exit status" "help"
expect 2 "unknown option" -- "$R" record --bogus && has "$tmp/e" "Try 'rollmap record --help'" "hint"
expect 2 "-p with --sim" -- "$R" record -p "$tmp/no-port" --sim && has "$tmp/e" "exclude" "-p/--sim"
expect 2 "bad leg" -- "$R" record --sim --leg middle && has "$tmp/e" "left or right" "leg"
expect 2 "bad duration" -- "$R" record --sim --duration -3
expect 2 "speed without sim" -- "$R" record --speed 2
expect 2 "stray argument" -- "$R" record --sim extra
expect 2 "unknown scenario" -- "$R" record --sim=nope -o "$tmp/x.wav" && has "$tmp/e" "--sim" "scenario"

# No board: exit 4, said clearly (skipped if this machine has a board).
if ! "$R" ports --boards 2>/dev/null | grep -q '^\*'; then
    expect 4 "no board" -- "$R" record --leg left -o "$tmp/nb.wav" && has "$tmp/e" "no board found" "no board"
    [ ! -e "$tmp/nb.wav" ] || fail "no board: a file was created"
fi
expect 4 "no such port" -- "$R" record --leg left -p /dev/rollmap-no-such-port -o "$tmp/np.wav"

# A terminal where nobody answers: pinged until --boot-wait, then exit 4.
if command -v socat >/dev/null 2>&1; then
    socat pty,raw,echo=0,link="$tmp/silent" SYSTEM:"sleep 30" 2>/dev/null &
    spid=$!
    i=0; while [ ! -e "$tmp/silent" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
    expect 4 "silent board" -- "$R" record --leg left -p "$tmp/silent" --boot-wait 600 -o "$tmp/s.wav" &&
        has "$tmp/e" "no answer from a board" "silent board"
    kill $spid 2>/dev/null; spid=""
fi

# '-p -': the board on stdin/stdout (the virtual board on a pty, joined
# by socat); the view and report go to stderr, stdout stays the wire.
V=$build/tests/pty/vboard
if [ -x "$V" ] && command -v socat >/dev/null 2>&1; then
    "$V" short --no-realtime >"$tmp/slave" 2>/dev/null &
    spid=$!
    i=0; while [ ! -s "$tmp/slave" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
    socat FILE:"$(cat "$tmp/slave")",raw,echo=0 \
        SYSTEM:"'$R' record -p - --leg left --duration 3 -o '$tmp/io.wav' 2>'$tmp/io.err'" ||
        fail "stdio: socat or record failed: $(cat "$tmp/io.err")"
    kill $spid 2>/dev/null; wait $spid 2>/dev/null; spid=""
    has "$tmp/io.err" "duration reached" "stdio record" &&
        has "$tmp/io.err" "Holds" "stdio: report on stderr"
fi

# A recording from the virtual board, as fast as it can send. The window
# is 5 s of board time, which holds 400 or 401 frames as the sampling
# instants jitter (the 8 s scenario is cut, not re-planned to 5 s).
expect 0 "sim record" -- "$R" record --sim=short --no-realtime --duration 5 \
    --leg left --notes "cli test" -o "$tmp/a.wav" &&
    has "$tmp/e" "40[01] frames (5.0 s)" "sim record summary" &&
    has "$tmp/o" "frames 40[01] lost 0" "plain live view lines on a pipe" &&
    has "$tmp/o" "Holds" "report summary after recording"
expect 0 "info" -- "$R" info "$tmp/a.wav" && has "$tmp/o" "frames: *40[01]" "frames in file" &&
    has "$tmp/o" "leg: *left" "leg stored" && has "$tmp/o" "cli test" "notes stored"
# --quiet: no live view, the report still comes.
expect 0 "quiet" -- "$R" record --sim=short --no-realtime --duration 1 --quiet -o "$tmp/q.wav"
grep -q "frames [0-9]* lost" "$tmp/o" && fail "quiet: live view lines printed"

# Never overwrite without --force; the old file is untouched.
echo precious > "$tmp/keep.wav"
expect 1 "existing output" -- "$R" record --sim=short --no-realtime -o "$tmp/keep.wav" &&
    has "$tmp/e" "already exists (use --force" "exists message"
[ "$(cat "$tmp/keep.wav")" = precious ] || fail "existing output was changed"
expect 0 "force" -- "$R" record --sim=short --no-realtime --duration 1 --force --quiet -o "$tmp/keep.wav"

# Default name rollmap-YYYYmmdd-HHMMSS.wav in the current directory.
(cd "$tmp" && "$R" record --sim=short --no-realtime --duration 1 --quiet >/dev/null 2>&1) ||
    fail "default name: record failed"
ls "$tmp" | grep -Eq '^rollmap-[0-9]{8}-[0-9]{6}\.wav$' || fail "default name: $(ls "$tmp")"

# SIGTERM during a real-time recording: exit 0, a valid file with frames.
"$R" record --sim=basic --quiet -o "$tmp/t.wav" >"$tmp/to" 2>"$tmp/te" &
rpid=$!
sleep 1.5
kill -TERM $rpid
wait $rpid; rc=$?
[ $rc -eq 0 ] || fail "sigterm: exit $rc: $(cat "$tmp/te")"
grep -q "stopped: [1-9][0-9]* frames" "$tmp/te" || fail "sigterm: $(cat "$tmp/te")"
n=$("$R" info "$tmp/t.wav" 2>/dev/null | sed -n 's/^frames: *//p')
[ "${n:-0}" -gt 40 ] || fail "sigterm: file holds ${n:-no} frames"

[ $fails -eq 0 ] && echo "test_record: ok"
[ $fails -eq 0 ]
