#!/bin/sh
# The measured calf length (session format 1.2, 'rmap' record 2): record
# and tag store it (tag '' clears it), info shows it, bad values are a
# usage error that writes nothing, sim --measured-length stores the
# truth's within the tape error, and the report says where its frame
# comes from (JSON schema 1.2 only where it does).
# Usage: tests/cli/test_calf_length.sh BUILD   (ROLLMAP = the CLI)
set -u
build=${1:?usage: $0 BUILD}
R=${ROLLMAP:-$build/rollmap}
R=$(cd "$(dirname "$R")" && pwd)/$(basename "$R")
here=$(cd "$(dirname "$0")" && pwd)
samples=$here/../../samples
tmp=$(mktemp -d /tmp/rm-calflen.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/empty"
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
# expect CODE WHAT -- CMD...: run with stdin from an empty file.
expect() {
    code=$1; what=$2; shift 3
    "$@" >"$tmp/o" 2>"$tmp/e" <"$tmp/empty"; rc=$?
    [ "$rc" -eq "$code" ] || { fail "$what: exit $rc, want $code: $(cat "$tmp/e")"; return 1; }
}
has() { grep -q -- "$2" "$1" || { fail "$3: no '$2' in: $(cat "$1")"; return 1; }; }
hasnt() { ! grep -q -- "$2" "$1" || { fail "$3: '$2' in: $(cat "$1")"; return 1; }; }
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

# 1. record stores it; a bad value is a usage error before anything.
expect 0 "record --calf-length" -- "$R" record --sim=short --no-realtime \
    --duration 1 --quiet --leg left --calf-length 36.54 -o "$tmp/r.wav" &&
    expect 0 "info recorded" -- "$R" info "$tmp/r.wav" &&
    has "$tmp/o" "^calf length: *36.5 cm$" "record stored the mm"
for bad in 12 60.5 36,5 abc "" -36 3e1; do
    expect 2 "record --calf-length '$bad'" -- "$R" record --sim=short \
        --no-realtime --duration 1 --quiet --leg left --calf-length "$bad" \
        -o "$tmp/bad.wav" &&
        has "$tmp/e" "--calf-length: '$bad' is not a calf length in cm (15..60" \
            "record bad '$bad' message"
    [ -s "$tmp/o" ] && fail "record bad '$bad' wrote to stdout"
    [ ! -e "$tmp/bad.wav" ] || { fail "record bad '$bad' created a file"; rm -f "$tmp/bad.wav"; }
done

# 2. tag sets, changes and clears it; bad values leave the file as it was.
cp "$samples/basic.wav" "$tmp/a.wav"
expect 0 "info untagged" -- "$R" info "$tmp/a.wav" &&
    has "$tmp/o" "^calf length: *not measured$" "untagged text"
expect 0 "info --json untagged" -- "$R" info --json "$tmp/a.wav" &&
    [ "$(json "$tmp/o" 'd["calf_length_cm"]')" = None ] ||
    fail "untagged JSON calf_length_cm not null"
expect 0 "tag --calf-length" -- "$R" tag "$tmp/a.wav" --calf-length 41.2 &&
    has "$tmp/o" "calf length 41.2 cm" "tag's own line"
expect 0 "info tagged" -- "$R" info --json "$tmp/a.wav" &&
    [ "$(json "$tmp/o" 'd["calf_length_cm"]')" = 41.2 ] ||
    fail "tagged JSON: $(grep calf_length "$tmp/o")"
cp "$tmp/a.wav" "$tmp/before.wav"
for bad in 14.9 61 "36.5 cm" 0 nan; do
    expect 2 "tag --calf-length '$bad'" -- "$R" tag "$tmp/a.wav" \
        --calf-length "$bad" &&
        has "$tmp/e" "is not a calf length in cm" "tag bad '$bad' message"
done
cmp -s "$tmp/before.wav" "$tmp/a.wav" || fail "refused tags changed the file"
expect 0 "tag clears" -- "$R" tag "$tmp/a.wav" --calf-length "" --quiet &&
    [ ! -s "$tmp/o" ] || fail "tag --quiet wrote to stdout"
expect 0 "info cleared" -- "$R" info "$tmp/a.wav" &&
    has "$tmp/o" "^calf length: *not measured$" "cleared"
ls "$tmp" | grep -q "tag-" && fail "tag left a temporary file"

# 3. sim --measured-length: the truth's length within the +-0.5 cm tape,
# and the same frames as without it.
expect 0 "sim measured" -- "$R" sim holds --seed 20100 --measured-length \
    -o "$tmp/m.wav" -t "$tmp/m.json" -q &&
    expect 0 "sim plain" -- "$R" sim holds --seed 20100 -o "$tmp/p.wav" -q &&
    expect 0 "info sim" -- "$R" info --json "$tmp/m.wav" &&
    python3 - "$tmp/o" "$tmp/m.json" <<'PY' || fail "sim tape error"
import json, sys
got = json.load(open(sys.argv[1]))["calf_length_cm"]
truth = json.load(open(sys.argv[2]))["calf"]["length_cm"]
assert abs(got - truth) <= 0.55, (got, truth)
PY
"$R" report "$tmp/p.wav" -f csv -o "$tmp/p.csv" 2>"$tmp/e" || fail "report plain csv"
expect 0 "tag plain like measured" -- "$R" tag "$tmp/p.wav" --calf-length \
    "$(json "$tmp/o" 'd["calf_length_cm"]')" --quiet
cmp -s "$tmp/m.wav" "$tmp/p.wav" || fail "sim --measured-length changed more than the length"

# 4. the report's frame: in JSON only where a length was measured (a
# plain report stays a schema 1.1 document); text says where places count
# from either way.
expect 0 "report measured" -- "$R" report "$tmp/m.wav" -f json &&
    [ "$(json "$tmp/o" 'd["version"], d["calf"]["frame"], d["calf"]["measured_length_cm"] > 0')" = "1.2 measured_length True" ] ||
    fail "measured JSON: $(head -c 400 "$tmp/o")"
expect 0 "report measured text" -- "$R" report "$tmp/m.wav" &&
    has "$tmp/o" "^  Frame  *from the measured calf length" "text frame line"
expect 0 "report plain" -- "$R" report "$samples/basic.wav" -f json &&
    [ "$(json "$tmp/o" 'd["version"], "frame" in d["calf"]')" = "1.1 False" ] ||
    fail "plain JSON: $(head -c 400 "$tmp/o")"
expect 0 "report plain text" -- "$R" report "$samples/basic.wav" &&
    has "$tmp/o" "^  Frame  *from where the rolling turned" "plain text frame line"
# A tape shorter than the rolling spanned: clamped, and said.
cp "$tmp/m.wav" "$tmp/short.wav"
expect 0 "tag short" -- "$R" tag "$tmp/short.wav" --calf-length 20 --quiet &&
    expect 0 "report short" -- "$R" report "$tmp/short.wav" -f json &&
    [ "$(json "$tmp/o" '[g["code"] for g in d["guidance"] if g["code"].startswith("calf_")], d["calf"]["length_cm"] > 20')" = "['calf_length_clamped'] True" ] ||
    fail "short tape: $(grep -o '"calf":{[^}]*}' "$tmp/o")"

# 5. restored metadata: the donor's length is not this session's.
if command -v sox >"$tmp/which" 2>&1; then
    sox "$tmp/m.wav" "$tmp/stripped.wav" || fail "sox"
    expect 0 "restore from a measured donor" -- "$R" info "$tmp/stripped.wav" \
        --restore-from "$tmp/m.wav" -o "$tmp/fixed.wav" &&
        expect 0 "info restored" -- "$R" info "$tmp/fixed.wav" &&
        has "$tmp/o" "^calf length: *not measured$" "restored length"
fi

[ $fails -eq 0 ] && echo "calf length: ok"
exit $((fails > 0))
