#!/bin/sh
# rollmap calibrate: exit codes and messages, against the virtual board
# (which has no weight on it, so the scale step must refuse).
# Usage: tests/cli/test_record_calibrate.sh BUILD   (ROLLMAP = the CLI)
set -u
build=${1:?usage: $0 BUILD}
R=${ROLLMAP:-$build/rollmap}
tmp=$(mktemp -d /tmp/rm-test_record_calibrate.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
expect() {
    code=$1; what=$2; shift 3
    "$@" >"$tmp/o" 2>"$tmp/e"; rc=$?
    [ "$rc" -eq "$code" ] || { fail "$what: exit $rc, want $code: $(cat "$tmp/e")"; return 1; }
}
has() { grep -q -- "$2" "$1" || { fail "$3: no '$2' in: $(cat "$1")"; return 1; }; }

# calibrate
expect 0 "calibrate help" -- "$R" calibrate --help && has "$tmp/o" "--weight KG" "calibrate help"
expect 2 "calibrate no weight" -- "$R" calibrate --sim && has "$tmp/e" "--weight KG is required" "weight"
expect 2 "calibrate bad weight" -- "$R" calibrate --sim --weight -2
expect 2 "calibrate bad cell" -- "$R" calibrate --sim --weight 5 --cell 99 --yes &&
    has "$tmp/e" "cells 0..11" "cell range"
expect 4 "calibrate no port" -- "$R" calibrate -p /dev/rollmap-no-such-port --weight 5
# The virtual board has no weight on it: the scale step must refuse, and
# nothing is stored.
expect 1 "calibrate no load" -- "$R" calibrate --sim=short --weight 5 --cell 3 --yes --seconds 0.2 &&
    has "$tmp/e" "nothing stored" "calibrate refuses without load"

[ $fails -eq 0 ] && echo "test_record_calibrate: ok"
[ $fails -eq 0 ]
