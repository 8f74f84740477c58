#!/bin/sh
# The conventions scripts rely on, for every command `rollmap --help`
# lists: a usage error is exactly two lines on stderr ("rollmap CMD:
# problem", "Try 'rollmap CMD --help'."), nothing on stdout, exit 2, for
# unknown long and short options, a missing value and a value given to a
# flag; `rollmap help CMD` prints what `rollmap CMD --help` prints.
# `--quiet` leaves stdout empty (sim's stderr too);
# `record --json` and `sim --json` end with one JSON object whose numbers
# match the file; counts of one are singular.
# Usage: tests/cli/test_conventions.sh BUILD   (ROLLMAP = the CLI)
set -u
build=${1:?usage: $0 BUILD}
R=${ROLLMAP:-$build/rollmap}
PY=/usr/bin/python3
tmp=$(mktemp -d /tmp/rm-conv.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# usage_error CMD WANTED-FIRST-LINE ARGS...: the two lines, exit 2.
usage_error() {
    cmd=$1 want=$2; shift 2
    "$R" "$@" >"$tmp/o" 2>"$tmp/e"; rc=$?
    printf '%s\n%s\n' "$want" "Try 'rollmap $cmd --help'." >"$tmp/want"
    [ "$rc" -eq 2 ] || fail "rollmap $*: exit $rc, want 2"
    [ -s "$tmp/o" ] && fail "rollmap $*: wrote to stdout: $(cat "$tmp/o")"
    cmp -s "$tmp/want" "$tmp/e" ||
        fail "rollmap $*: stderr is '$(cat "$tmp/e")', want '$(cat "$tmp/want")'"
}

cmds=$("$R" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z]*\) .*/\1/p')
[ "$(echo "$cmds" | wc -w)" -ge 8 ] || fail "rollmap --help lists: $cmds"
for c in $cmds; do
    usage_error "$c" "rollmap $c: unknown option '--bogus'" "$c" --bogus x.wav
    usage_error "$c" "rollmap $c: unknown option '-Z'" "$c" -Z
    usage_error "$c" "rollmap $c: option '--help' takes no value" "$c" --help=1
    "$R" "$c" --help >"$tmp/h1" 2>&1 || fail "$c --help: exit $?"
    "$R" help "$c" >"$tmp/h2" 2>&1 || fail "help $c: exit $?"
    cmp -s "$tmp/h1" "$tmp/h2" || fail "'rollmap help $c' differs from '$c --help'"
done
usage_error sim "rollmap sim: option '--output' needs a value" sim --output
usage_error sim "rollmap sim: option '-o' needs a value" sim -qo
usage_error report "rollmap report: option '-f' needs a value" report x.wav -f
usage_error record "rollmap record: option '--leg' needs a value" record --leg
usage_error report "rollmap report: option '--f' is ambiguous (--format, --force)" report --f x.wav
usage_error calibrate "rollmap calibrate: unknown option '-Z'" calibrate -yZ
"$R" help nosuch >"$tmp/o" 2>"$tmp/e"
[ $? -eq 2 ] && grep -q "unknown command 'nosuch'" "$tmp/e" ||
    fail "help nosuch: $(cat "$tmp/e")"

# sim: --quiet is silent, --json is one object on stdout.
"$R" sim short -o "$tmp/s.wav" -q >"$tmp/o" 2>"$tmp/e" || fail "sim -q: exit $?"
[ -s "$tmp/o" ] || [ -s "$tmp/e" ] && fail "sim -q printed: $(cat "$tmp/o" "$tmp/e")"
"$R" sim short -o "$tmp/s.wav" --force --json --leg right >"$tmp/o" 2>"$tmp/e" ||
    fail "sim --json: exit $?"
"$PY" - "$tmp/o" "$tmp/s.wav" right 0 <<'EOF_PY' || fail "sim --json: $(cat "$tmp/o")"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 1, lines
o = json.loads(lines[0])
assert set(o) == {"file", "frames", "dropped", "duration_s", "leg", "errors"}, o
assert o["file"] == sys.argv[2] and o["leg"] == sys.argv[3], o
assert o["frames"] == 640 and o["dropped"] == 0 and o["errors"] == int(sys.argv[4]), o
assert abs(o["duration_s"] - 8.0) < 1e-9, o
EOF_PY
usage_error sim "rollmap sim: --json and --truth - both want stdout" \
    sim short -o "$tmp/t.wav" --json --truth -

# record: --quiet leaves stdout empty (status lines stay on stderr);
# --json is the only stdout.
"$R" record --sim=short --no-realtime -o "$tmp/r.wav" -q >"$tmp/o" 2>"$tmp/e" ||
    fail "record -q: exit $?: $(cat "$tmp/e")"
[ -s "$tmp/o" ] && fail "record -q wrote $(wc -c <"$tmp/o") bytes to stdout"
grep -q "simulated session over: 640 frames" "$tmp/e" ||
    fail "record -q: no closing line on stderr: $(cat "$tmp/e")"
"$R" record --sim=short --no-realtime -o "$tmp/r.wav" --force --json \
    --leg right >"$tmp/o" 2>"$tmp/e" || fail "record --json: exit $?"
"$PY" - "$tmp/o" "$tmp/r.wav" right 0 <<'EOF_PY' || fail "record --json: $(cat "$tmp/o")"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 1, lines
o = json.loads(lines[0])
assert set(o) == {"file", "frames", "dropped", "duration_s", "leg", "errors"}, o
assert o["file"] == sys.argv[2] and o["leg"] == sys.argv[3], o
assert o["frames"] == 640 and o["dropped"] == 0 and o["errors"] == 0, o
EOF_PY
"$R" info "$tmp/r.wav" | grep -q "640" || fail "info does not show the 640 frames"

# A count agrees with its noun ("1 frame", "2 frames"; a --duration this
# short gives 1 or 2 frames, the board clock jitters); cells pluralised.
"$R" record --sim=short --no-realtime -o "$tmp/one.wav" --duration 0.02 \
    >"$tmp/o" 2>"$tmp/e" || fail "record --duration 0.02: exit $?"
grep -Eq ": (1 frame|[02-9] frames) \(" "$tmp/e" ||
    fail "frame count's noun: $(cat "$tmp/e")"
grep -q ", 12 cells at " "$tmp/e" || fail "banner: $(head -1 "$tmp/e")"

[ "$fails" -eq 0 ] || exit 1
echo "conventions: $(echo "$cmds" | wc -w) commands' usage errors, help, --quiet, --json"
