#!/bin/sh
# Runs the programs in examples/ (built against the installed library by
# examples/examples.mk) and checks them against the rollmap CLI on the
# same simulated sessions: the holds print_holds lists are the JSON
# report's, session_to_csv writes the same bytes as `report -f csv`, and
# follow_board sees, live from the virtual board, the holds found offline.
# Usage: examples/test_examples.sh BUILD
set -u
build=${1:?usage: $0 BUILD}
ex=$build/examples
prefix=$ex/prefix
ROLLMAP=${ROLLMAP:-$build/rollmap}
PY=/usr/bin/python3
tmp=$(mktemp -d /tmp/rm-examples.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# same_rows A B: the same number of rows, words equal, numbers within
# 0.06 (both sides print one decimal, the JSON report rounds to three
# first, so the last digit may differ by one).
same_rows() {
    $PY - "$1" "$2" <<'EOF'
import sys
a, b = (open(p).read().split("\n") for p in sys.argv[1:3])
ok = len(a) == len(b)
for x, y in zip(a, b):
    wx, wy = x.split(), y.split()
    ok = ok and len(wx) == len(wy)
    for u, v in zip(wx, wy):
        try:
            ok = ok and abs(float(u) - float(v)) <= 0.06
        except ValueError:
            ok = ok and u == v
if not ok:
    sys.stderr.write("expected:\n%s\ngot:\n%s\n" % ("\n".join(a), "\n".join(b)))
sys.exit(0 if ok else 1)
EOF
}

for p in print_holds session_to_csv follow_board; do
    [ -x "$ex/$p" ] || fail "$ex/$p not built (make BUILD=$build examples)"
    # Built against the installed copy, not the build tree's.
    lib=$(ldd "$ex/$p" | awk '$1 == "librollmap.so.1" { print $3 }')
    case $lib in
    "$(cd "$prefix/lib" && pwd)"/librollmap.so.1) ;;
    *) fail "$p loads librollmap from '$lib', not from $prefix/lib" ;;
    esac
done

"$ROLLMAP" sim holds --seed 1 --leg left -o "$tmp/holds.wav" -q ||
    fail "rollmap sim holds"
"$ROLLMAP" sim short -o "$tmp/short.wav" -q || fail "rollmap sim short"
"$ROLLMAP" report "$tmp/holds.wav" -f json -o "$tmp/holds.json" ||
    fail "rollmap report -f json"

# --- print_holds: the report's holds, in order ----------------------------
"$ex/print_holds" "$tmp/holds.wav" >"$tmp/ph.out" 2>"$tmp/ph.err" ||
    fail "print_holds: exit $?: $(cat "$tmp/ph.err")"
# One row per hold: "N  start s  length s  pos cm (..%)  line technique ..."
sed 's/([^)]*)//' "$tmp/ph.out" |
    awk '$1 ~ /^[0-9]+$/ && $3 == "s" { print $2, $4, $6, $8, $9 }' \
    >"$tmp/ph.rows"
$PY - "$tmp/holds.json" >"$tmp/json.rows" <<'EOF' || fail "reading the JSON report"
import json, sys
for h in json.load(open(sys.argv[1]))["holds"]:
    print("%.1f %.1f %.1f %s %s" % (h["start_s"], h["duration_s"],
          h["position_cm"], h["line"], h["technique"]))
EOF
[ -s "$tmp/json.rows" ] || fail "the holds scenario gave no holds to compare"
same_rows "$tmp/json.rows" "$tmp/ph.rows" ||
    fail "print_holds differs from the JSON report"
n=$(wc -l <"$tmp/json.rows")
head -1 "$tmp/ph.out" | grep -q ", $n holds\$" ||
    fail "print_holds header does not say $n holds: $(head -1 "$tmp/ph.out")"

"$ex/print_holds" "$tmp/short.wav" >"$tmp/out" ||
    fail "print_holds on a session without holds: exit $?"
grep -q ", 0 holds\$" "$tmp/out" || fail "short session: $(cat "$tmp/out")"

"$ex/print_holds" >/dev/null 2>&1
[ $? -eq 2 ] || fail "print_holds without arguments: not exit 2"
printf 'not a session' >"$tmp/bad.wav"
"$ex/print_holds" "$tmp/bad.wav" >/dev/null 2>"$tmp/err"
[ $? -eq 3 ] || fail "print_holds on a non-session: not exit 3"
grep -q "bad.wav" "$tmp/err" || fail "message does not name the file: $(cat "$tmp/err")"

# --- session_to_csv: the same bytes as the CLI -----------------------------
"$ROLLMAP" report "$tmp/holds.wav" -f csv -o "$tmp/cli.csv" ||
    fail "rollmap report -f csv"
"$ex/session_to_csv" "$tmp/holds.wav" >"$tmp/ex.csv" ||
    fail "session_to_csv: exit $?"
cmp -s "$tmp/cli.csv" "$tmp/ex.csv" ||
    fail "session_to_csv output differs from rollmap report -f csv"
"$ex/session_to_csv" "$tmp/short.wav" -o "$tmp/short.csv" ||
    fail "session_to_csv -o: exit $?"
frames=$("$ROLLMAP" info --json "$tmp/short.wav" |
         $PY -c 'import json,sys; print(json.load(sys.stdin)["frames"])')
rows=$(($(wc -l <"$tmp/short.csv") - 1))
[ "$rows" -eq "$frames" ] || fail "short session: $rows CSV rows, $frames frames"
if [ -w /dev/full ]; then
    "$ex/session_to_csv" "$tmp/short.wav" >/dev/full 2>/dev/null
    [ $? -eq 1 ] || fail "session_to_csv to a full disk: not exit 1"
fi
"$ex/session_to_csv" "$tmp/bad.wav" >/dev/null 2>&1
[ $? -eq 3 ] || fail "session_to_csv on a non-session: not exit 3"

# --- follow_board: live holds from the virtual board -----------------------
# --fast: the virtual board sends as fast as it is read (the real-time
# pace would take the scenario's 7 minutes).
"$ex/follow_board" --sim holds --fast --leg left >"$tmp/fb.out" \
    2>"$tmp/fb.err" || fail "follow_board: exit $?: $(cat "$tmp/fb.err")"
# "hold K: LEN s at START..END s, LINE line, TECHNIQUE, F N"
sed -n 's/^hold [0-9]*: \([0-9.]*\) s at \([0-9.]*\)\.\.[0-9.]* s, .*, \([a-z_]*\), [0-9]* N$/\2 \1 \3/p' \
    "$tmp/fb.out" >"$tmp/fb.rows"
awk '{ print $1, $2, $5 }' "$tmp/json.rows" >"$tmp/json.short"
same_rows "$tmp/json.short" "$tmp/fb.rows" ||
    fail "follow_board's live holds differ from the offline report"
grep -q "^[0-9]* frames (0 lost on the line), $n holds live, $n in the summary\$" \
    "$tmp/fb.out" || fail "follow_board summary line: $(tail -1 "$tmp/fb.out")"

# Ctrl-C stops a real-time board cleanly: exit 0, the summary line. The
# signal goes only after follow_board says it is streaming (the handler
# is set up by then); the wait is for that line, not a timing assert.
"$ex/follow_board" --sim basic >"$tmp/int.out" 2>"$tmp/int.err" &
pid=$!
tries=0
until grep -q "Ctrl-C stops" "$tmp/int.err" 2>/dev/null; do
    tries=$((tries + 1))
    [ "$tries" -le 100 ] || { kill "$pid"; fail "follow_board never started"; }
    sleep 0.1
done
kill -INT "$pid"
wait "$pid" || fail "follow_board after Ctrl-C: exit $?: $(cat "$tmp/int.err")"
grep -q "^[0-9]* frames (0 lost on the line), [0-9]* holds live" \
    "$tmp/int.out" || fail "no summary after Ctrl-C: $(cat "$tmp/int.out")"

"$ex/follow_board" --sim no-such-scenario --fast >/dev/null 2>&1
[ $? -eq 2 ] || fail "follow_board with an unknown scenario: not exit 2"
"$ex/follow_board" -p "$tmp/no-such-port" >/dev/null 2>&1
[ $? -eq 4 ] || fail "follow_board on a missing port: not exit 4"

echo "examples: print_holds, session_to_csv, follow_board agree with the CLI ($n holds)"
