#!/bin/sh
# End to end through libserialport: the virtual board on a pseudo-terminal
# posing as /dev/ttyS* (tests/pty/ptyns.sh), recorded by `rollmap record
# -p`. Every frame the board sent must be in the file, bit-exact, in
# order (tests/pty/simcmp regenerates the frame source). Cases: a clean
# --duration stop, 32 cells at 1 kHz for 60 s of board time, the board
# unplugged mid-session, Ctrl-C, and the real firmware ELF in simavr
# (tests/firmware/rm-simavr) with its HX711s replaying the simulator.
set -u
build=$1
R=${ROLLMAP:-$build/rollmap}
T=$build/tests/pty
if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null 2>&1; then
    echo "SKIP: the pty harness needs root and unshare (mount namespace)"
    exit 0
fi
for f in "$T/vboard" "$T/simcmp" "$T/ptyshim.so"; do
    [ -e "$f" ] || { echo "FAIL: $f missing (make pty-tools)"; exit 1; }
done
tmp=$(mktemp -d)
bpid=""
cleanup() {
    [ -n "$bpid" ] && kill "$bpid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
fail=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }

# start_board NAME ARGS...: vboard in the background, its slave in $slave.
start_board() {
    name=$1; shift
    "$T/vboard" "$@" >"$tmp/$name.slave" 2>"$tmp/$name.board" &
    bpid=$!
    i=0
    while [ ! -s "$tmp/$name.slave" ] && [ $i -lt 100 ]; do
        sleep 0.05; i=$((i + 1))
    done
    slave=$(cat "$tmp/$name.slave")
    [ -n "$slave" ] || { bad "$name: vboard did not start"; return 1; }
}

# stop_board: end vboard; its "sent N" count in $sent.
stop_board() {
    kill "$bpid" 2>/dev/null
    wait "$bpid" 2>/dev/null
    bpid=""
    sent=$(sed -n 's/^vboard: sent \([0-9]*\) sample frames$/\1/p' \
           "$tmp/$name.board")
}

# record NAME RECORD-ARGS...: rollmap record through libserialport.
record() {
    name=$1; shift
    ROLLMAP_PTYSHIM_LOG=$tmp/$name.shim \
        tests/pty/ptyns.sh "$build" "$slave" -- \
        "$R" record -p @PORT@ --leg left --quiet -o "$tmp/$name.wav" "$@" \
        >"$tmp/$name.out" 2>"$tmp/$name.err"
    rc=$?
}

# 1. Clean stop at --duration; libserialport really drove the port.
if start_board basic basic --seed 7 --speed 8; then
    record basic --duration 10
    stop_board
    [ $rc -eq 0 ] && ok "basic: exit 0" || { bad "basic: exit $rc"; cat "$tmp/basic.err"; }
    grep -q DTR "$tmp/basic.shim" 2>/dev/null &&
        ok "basic: opened through libserialport (DTR set via sp_set_dtr)" ||
        bad "basic: libserialport did not drive the port"
    "$T/simcmp" "$tmp/basic.wav" basic 7 --within 10 >"$tmp/basic.cmp" &&
        ok "basic: $(cat "$tmp/basic.cmp"), in order, none missing" || bad "basic: frames differ"
fi

# 2. 32 cells at 1 kHz, 60 s of board time (at 6x: ~10 s), none lost;
#    with the latency log: one line per frame recorded, in the board's
#    order, the engine never before the port read, and the summary line.
if start_board stress stress --seed 3 --duration 61 --speed 6 \
        --stamp-log "$tmp/stress.stamps"; then
    record stress --duration 60 --latency-log "$tmp/stress.lat"
    stop_board
    [ $rc -eq 0 ] && ok "stress: exit 0" || { bad "stress: exit $rc"; cat "$tmp/stress.err"; }
    "$T/simcmp" "$tmp/stress.wav" stress 3 --duration 61 --within 60 \
        >"$tmp/stress.cmp" && ok "stress (32 cells, 1 kHz): $(cat "$tmp/stress.cmp")" ||
        bad "stress: frames lost or differ"
    grep -q "lost 0 in gaps, 0 corrupt" "$tmp/stress.err" &&
        ok "stress: decoder saw no gap and no corruption" ||
        bad "stress: $(tail -1 "$tmp/stress.err")"
    # Lines of the log, and the same count of the board's first stamps.
    n=$(grep -vc '^#' "$tmp/stress.lat")
    if [ "$n" -gt 0 ] &&
       grep -v '^#' "$tmp/stress.lat" | awk '$3 < $2 { bad = 1 } END { exit bad }' &&
       [ "$(grep -v '^#' "$tmp/stress.lat" | cut -d' ' -f1 | cksum)" = \
         "$(head -n "$n" "$tmp/stress.stamps" | cut -d' ' -f1 | cksum)" ]; then
        ok "stress: latency log: $n frames, same sequence as the board sent"
    else
        bad "stress: latency log ($n lines) does not match the board's frames"
    fi
    grep -q "frames in the file\|frames ([0-9.]* s) in" "$tmp/stress.err" &&
        [ "$n" = "$(sed -n 's/.* \([0-9]*\) frames (.*/\1/p' "$tmp/stress.err")" ] &&
        grep -q "latency, port read -> engine, $n frames: p50 [0-9]* us, p99" \
            "$tmp/stress.err" &&
        ok "stress: $(grep -o 'latency, port read.*' "$tmp/stress.err")" ||
        bad "stress: latency summary: $(tail -2 "$tmp/stress.err")"
fi

# 3. Unplugged mid-session: exit 1, clear message, nothing received lost.
if start_board unplug basic --seed 5 --speed 8 --cut-after-frames 300; then
    record unplug
    stop_board # gone by itself after the cut; ended here if record failed
    [ $rc -eq 1 ] && ok "unplug: exit 1" || bad "unplug: exit $rc"
    grep -q "keeps every frame received" "$tmp/unplug.err" &&
        ok "unplug: says so: $(grep "keeps every" "$tmp/unplug.err")" ||
        bad "unplug: message: $(cat "$tmp/unplug.err")"
    "$T/simcmp" "$tmp/unplug.wav" basic 5 --expect "${sent:-x}" >/dev/null &&
        ok "unplug: all $sent frames sent are in the file" ||
        bad "unplug: file does not hold the $sent frames sent"
fi

# 4. Ctrl-C: exit 0, all frames the board sent before STOP.
if start_board sigint basic --seed 9 --speed 4; then
    ROLLMAP_PTYSHIM_LOG=$tmp/sigint.shim \
        tests/pty/ptyns.sh "$build" "$slave" -- \
        "$R" record -p @PORT@ --leg left --quiet -o "$tmp/sigint.wav" \
        >"$tmp/sigint.out" 2>"$tmp/sigint.err" &
    rpid=$!
    sleep 2
    kill -INT "$rpid"
    wait "$rpid"; rc=$?
    stop_board
    [ $rc -eq 0 ] && ok "sigint: exit 0" || { bad "sigint: exit $rc"; cat "$tmp/sigint.err"; }
    "$T/simcmp" "$tmp/sigint.wav" basic 9 --expect "${sent:-x}" >/dev/null &&
        ok "sigint: all $sent frames sent are in the file" ||
        bad "sigint: file does not hold the $sent frames sent"
fi

# 5. The real firmware in simavr, its UART on a pty, through libserialport.
F=$build/tests/firmware/rm-simavr
if [ ! -x "$F" ]; then
    echo "SKIP firmware: $F not built"
else
    name=fw
    "$F" --pty --sim basic --seed 4 >"$tmp/fw.slave" 2>"$tmp/fw.board" &
    bpid=$!
    i=0
    while [ ! -s "$tmp/fw.slave" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
    slave=$(cat "$tmp/fw.slave")
    if [ -z "$slave" ]; then
        bad "firmware: rm-simavr did not start: $(cat "$tmp/fw.board")"
    else
        record fw --duration 5
        kill "$bpid" 2>/dev/null; wait "$bpid" 2>/dev/null; bpid=""
        [ $rc -eq 0 ] && ok "firmware: exit 0" || { bad "firmware: exit $rc"; cat "$tmp/fw.err"; }
        grep -q "firmware rollmap-fw" "$tmp/fw.err" &&
            ok "firmware: handshake with the real firmware" ||
            bad "firmware: $(head -3 "$tmp/fw.err")"
        "$T/simcmp" "$tmp/fw.wav" basic 4 --firmware >"$tmp/fw.cmp" &&
            ok "firmware: $(cat "$tmp/fw.cmp")" || bad "firmware: frames differ or lost"
        grep -q "lost 0 in gaps, 0 corrupt" "$tmp/fw.err" &&
            ok "firmware: decoder saw no gap and no corruption" ||
            bad "firmware: $(tail -1 "$tmp/fw.err")"
    fi
fi

exit $fail
