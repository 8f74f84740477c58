#!/bin/sh
# rollmap ports: exit codes (the list itself depends on the machine; the
# USB id matching is unit-tested in check_transport.c).
# Usage: tests/cli/test_ports.sh BUILD   (ROLLMAP = the CLI)
set -u
build=${1:?usage: $0 BUILD}
R=${ROLLMAP:-$build/rollmap}
tmp=$(mktemp -d /tmp/rm-test_ports.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
expect() {
    code=$1; what=$2; shift 3
    "$@" >"$tmp/o" 2>"$tmp/e"; rc=$?
    [ "$rc" -eq "$code" ] || { fail "$what: exit $rc, want $code: $(cat "$tmp/e")"; return 1; }
}
has() { grep -q -- "$2" "$1" || { fail "$3: no '$2' in: $(cat "$1")"; return 1; }; }

# ports
expect 0 "ports" -- "$R" ports
expect 0 "ports help" -- "$R" ports --help && has "$tmp/o" "USB" "ports help"
expect 0 "ports boards" -- "$R" ports --boards
expect 2 "ports stray argument" -- "$R" ports extra
expect 2 "ports unknown option" -- "$R" ports --bogus

[ $fails -eq 0 ] && echo "test_ports: ok"
[ $fails -eq 0 ]
