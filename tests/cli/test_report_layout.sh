#!/bin/sh
# The HTML report on a phone (390 px), a desktop (1280 px) and paper
# (print rules at 718 px, an A4 page less margins), in headless Chromium,
# judged from the computed layout (tests/html/measure.py, check_layout.py):
# nothing overflows its box, no text under 11 px, enums in words, the
# right map per width, peaks inside their drawn zone, empty sections left
# out, every guidance item agreeing with the tables; and the trend page
# (rollmap trend -f html) by the same box and text rules. Screenshots and the
# print PDF are kept in BUILD/tests/html/artefacts/.
#   tests/cli/test_report_layout.sh BUILD   (ROLLMAP=path/to/rollmap)
set -u
build=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
ROLLMAP=${ROLLMAP:-$root/$build/rollmap}
PY=/usr/bin/python3
art=$root/$build/tests/html/artefacts
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

fixture=$build/tests/html/report-fixture
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
    make -s --no-print-directory BUILD="$build" "$fixture" >"$tmp/make.log" 2>&1 ||
    { cat "$tmp/make.log"; echo "FAIL: cannot build $fixture"; exit 1; }

# Inputs: the hand-built summaries, bundled sessions (holds, flinch, a
# short one, noise, a stress test), and one whose leg was not recorded
# (passes on no named line). Local time: two hours east of UTC.
export TZ=XYZ-2
mkdir -p "$tmp/in"
for kind in full thin hostile; do
    "$fixture" html "$kind" >"$tmp/in/fixture-$kind.html" || bad "fixture $kind"
done
for s in basic holds short stress-5s; do
    "$ROLLMAP" report "samples/$s.wav" -f html -o "$tmp/in/$s.html" ||
        bad "report $s"
done
cp samples/basic.wav "$tmp/unknown.wav"
"$ROLLMAP" tag "$tmp/unknown.wav" --leg unknown >/dev/null
"$ROLLMAP" report "$tmp/unknown.wav" -f html -o "$tmp/in/unknown-leg.html" ||
    bad "report unknown leg"

# The start time is local with its offset (basic: 01:15:45 UTC).
grep -q '2026-05-19 03:15 (UTC+02:00)' "$tmp/in/basic.html" ||
    bad "basic: local start time with offset missing"
grep -q 'pin and stretch' "$tmp/in/fixture-full.html" ||
    bad "fixture: technique not in words"

codes=""
for f in "$tmp"/in/*.html; do
    name=$(basename "$f" .html)
    for mode in 390 1280 print; do
        width=$mode; opt=""
        [ "$mode" = print ] && { width=718; opt=--print; }
        # The fixtures' guidance is hand-written text, not the engine's.
        case $name in fixture-*) opt="$opt --no-guidance";; esac
        out=$art/$name
        "$PY" tests/html/measure.py "$f" "$width" "$out" $opt >"$tmp/m.json"
        rc=$?
        if [ $rc -eq 77 ]; then
            echo "SKIP: no browser can run here"
            exit 0
        fi
        [ $rc -eq 0 ] || { bad "$name at $mode: measure failed"; continue; }
        if ! "$PY" tests/html/check_layout.py "$tmp/m.json" "$width" $opt \
                >"$tmp/c.txt"; then
            sed "s/^/  $name at $mode: /" "$tmp/c.txt" | grep FAIL
            fails=$((fails + 1))
        fi
        codes="$codes $(sed -n 's/^codes: //p' "$tmp/c.txt")"
    done
done
# The trend page (rollmap trend -f html) of one simulated person over
# four days: the same box, text and word rules, one chart per spot for
# the width, a map per session (check_layout.py --trend).
for k in 0 1 2 3; do
    "$ROLLMAP" sim -q --person layout --day $k -o "$tmp/p$k.wav" ||
        bad "sim person day $k"
done
"$ROLLMAP" trend "$tmp"/p?.wav -f html -o "$tmp/trend.html" || bad "trend html"
for mode in 390 1280 print; do
    width=$mode; opt=""
    [ "$mode" = print ] && { width=718; opt=--print; }
    "$PY" tests/html/measure.py "$tmp/trend.html" "$width" "$art/trend" $opt \
        >"$tmp/m.json" || { bad "trend at $mode: measure failed"; continue; }
    "$PY" tests/html/check_layout.py "$tmp/m.json" "$width" $opt --trend \
        >"$tmp/c.txt" ||
        { sed "s/^/  trend at $mode: /" "$tmp/c.txt" | grep FAIL
          fails=$((fails + 1)); }
done
# Empty sections are left out: the short session has no holds or peaks.
grep -q 'id="holds"' "$tmp/in/short.html" && bad "short: empty holds section shown"
grep -q 'id="peaks"' "$tmp/in/short.html" && bad "short: empty peaks section shown"
# The unknown-leg session's passes (no named line) still show, with the
# median speed the guidance quotes.
grep -q 'line not known' "$tmp/in/unknown-leg.html" ||
    bad "unknown leg: passes on no named line not shown"
[ -s "$art/basic/report-390.png" ] && [ -s "$art/basic/report-1280.png" ] &&
    [ -s "$art/basic/report-print.pdf" ] || bad "artefacts missing in $art/basic"
echo "guidance rules checked:$(echo "$codes" | tr ' ' '\n' | sort -u | tr '\n' ' ')"
[ $fails -eq 0 ] && echo "report layout: ok"
exit $((fails > 0))
