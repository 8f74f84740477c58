#!/bin/sh
# Valgrind memcheck on the CLI's main paths: any invalid access, use of
# uninitialised memory, bad free or definite leak fails the test.
# $1: build directory; $ROLLMAP: the CLI (a plain, unsanitized build).
set -u
R=${ROLLMAP:-$1/rollmap}
command -v valgrind >/dev/null 2>&1 || {
    echo "FAIL valgrind missing (tools/install-deps installs it)"; exit 1; }
tmp=$(mktemp -d /tmp/rollmap-vg.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fails=0
vg() {
    what=$1; shift
    valgrind -q --error-exitcode=99 --leak-check=full \
        --errors-for-leak-kinds=definite --track-origins=yes \
        "$R" "$@" >out.txt 2>vg.txt
    rc=$?
    if [ $rc = 99 ] || grep -q '^==[0-9]*== ' vg.txt; then
        echo "FAIL $what: memcheck errors:"; grep '^==' vg.txt | head -20
        fails=$((fails + 1))
    elif [ $rc != "${EXPECT:-0}" ]; then
        echo "FAIL $what: exit $rc (expected ${EXPECT:-0})"; head -5 vg.txt
        fails=$((fails + 1))
    else
        echo "ok   $what"
    fi
}
vg "sim"                sim short -q -o s.wav --truth t.json
vg "sim (noisy)"        sim noisy --duration 5 -q -o n.wav
vg "info"               info s.wav
vg "info --json"        info --json n.wav
for f in text json csv svg html; do
    vg "report -f $f"   report -f $f -o r.$f n.wav
done
vg "record --sim"       record --sim=short --no-realtime -q --notes '<b>' -o r.wav
vg "replay"             replay --speed 0 -q s.wav
vg "trend"              trend s.wav n.wav r.wav
EXPECT=3 vg "info on a non-session" info t.json
EXPECT=2 vg "usage error" report --frobnicate s.wav
EXPECT=1 vg "refuse overwrite" sim short -q -o s.wav
[ "$fails" -eq 0 ] && echo "valgrind: ok" || echo "valgrind: $fails failed"
[ "$fails" -eq 0 ]
