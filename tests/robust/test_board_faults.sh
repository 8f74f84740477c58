#!/bin/sh
# A board that misbehaves (tests/robust/fake_board.py, written from
# docs/protocol.md) against `rollmap record -p -`: every sample frame
# malformed ends the recording with exit 3 and a reason (it once ran
# until the board hung up, --duration ignored); a rejected descriptor
# names what is wrong; protocol version 0 is refused; no answer to START
# is exit 4 and leaves no file; SIGHUP stops the board like Ctrl-C;
# calibrate stores nothing when the reading falls under the weight.
#   tests/robust/test_board_faults.sh BUILD   (ROLLMAP=path/to/rollmap)
set -u
build=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
ROLLMAP=${ROLLMAP:-$root/$build/rollmap}
PY=/usr/bin/python3
FAKE="$PY $root/tests/robust/fake_board.py"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# run MODE ARGS...: result JSON in $tmp/r.json
run() {
    mode=$1; shift
    $FAKE "$mode" "$ROLLMAP" "$@" >"$tmp/r.json" || bad "fake board $mode"
}
# get KEY: a field of the result
get() { /usr/bin/python3 -c 'import json,sys; v=json.load(open(sys.argv[1]))[sys.argv[2]]; print(v if not isinstance(v,list) else " ".join(map(str,v)))' "$tmp/r.json" "$1"; }
rc_is() { [ "$(get rc)" = "$1" ] || { bad "$2: exit $(get rc), wanted $1"; get stderr; }; }
err_has() { get stderr >"$tmp/e"; grep -qF -- "$1" "$tmp/e" || { bad "$2: stderr lacks '$1'"; get stderr; }; }

# A sane fake board records (the harness itself works).
run ok -q -o "$tmp/ok.wav" --duration 1
rc_is 0 "good board"
"$ROLLMAP" info "$tmp/ok.wav" >/dev/null 2>&1 || bad "good board: no session"

# Frames of an unknown type are skipped and reported as such, not as
# corruption.
run unknown_type -q -o "$tmp/unk.wav" --duration 1
rc_is 0 "unknown frame type"
err_has "lost 0 in gaps, 0 corrupt or malformed frames and " "unknown frame type"
get stderr >"$tmp/e"; grep -q " [1-9][0-9]* of unknown type skipped" "$tmp/e" ||
    bad "unknown frame type: not counted: $(get stderr)"

# 4. Every sample frame malformed: ends within seconds, exit 3, says why.
run bad_cells -q -o "$tmp/bad.wav" --duration 1
rc_is 3 "all sample frames malformed"
err_has "no usable sample frame" "all sample frames malformed"
[ "$(get seconds | cut -d. -f1)" -lt 10 ] || bad "malformed stream: took $(get seconds) s"

# 7. A rejected descriptor says what is wrong.
for m in desc_cells0:"cell count 0" desc_cells33:"cell count 33" \
         desc_version2:"descriptor version 2" desc_radius:"radius -3" \
         desc_rate5:"rate 5 Hz" desc_longstring:"firmware string"; do
    mode=${m%%:*}; want=${m#*:}
    run "$mode" -q -o "$tmp/$mode.wav"
    rc_is 3 "$mode"
    err_has "$want" "$mode"
    [ -e "$tmp/$mode.wav" ] && bad "$mode: left a session file"
done

# 8. Protocol version 0 is refused.
run ack_version0 -q -o "$tmp/v0.wav"
rc_is 3 "ack version 0"
err_has "protocol 0" "ack version 0"
# No answer to START: exit 4, no file, and an old file kept with --force.
run no_start_ack -q -o "$tmp/ns.wav"
rc_is 4 "no START ack"
[ -e "$tmp/ns.wav" ] && bad "no START ack: left a file"
cp "$tmp/ok.wav" "$tmp/keep.wav"
run no_start_ack -q -o "$tmp/keep.wav" --force
cmp -s "$tmp/ok.wav" "$tmp/keep.wav" || bad "no START ack: --force replaced the old session"
# Ctrl-C while START is retried acts at once (it was ignored for ~4 s).
run int_during_start -q -o "$tmp/int.wav"
"$PY" -c "import sys; sys.exit(not ($(get after_int) < 1.0))" ||
    bad "Ctrl-C during START: exit after $(get after_int) s"
[ -e "$tmp/int.wav" ] && bad "Ctrl-C during START: left a file"
# SIGHUP: the board is told to STOP, the file is kept.
run hup -q -o "$tmp/hup.wav"
[ "$(get streaming_at_end)" = False ] || bad "SIGHUP left the board streaming (saw: $(get seen))"
"$ROLLMAP" info "$tmp/hup.wav" >/dev/null 2>&1 || bad "SIGHUP: session not readable"

# 6. calibrate: a reading that falls under the weight stores nothing
# (it once stored a negative scale).
run calib_fall --weight 5 --cell 0 --yes --seconds 0.2
rc_is 1 "calibrate, reading falls"
err_has "fell by" "calibrate, reading falls"
case " $(get seen) " in
*" 7 "*|*" 8 "*) bad "calibrate stored a calibration (saw: $(get seen))" ;;
esac

[ $fail -eq 0 ] && echo "board faults: ok"
exit $fail
