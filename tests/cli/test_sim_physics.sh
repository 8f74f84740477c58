#!/bin/sh
# rollmap sim --physics / --list-physics: every name listed with a line,
# unknown or clashing names are usage errors (exit 2) that write nothing,
# `random` is repeatable for a seed, `original` is byte-identical to no
# --physics, and a variant's truth names its physics and keeps the
# original truth's vocabulary.
# Usage: tests/cli/test_sim_physics.sh BUILD   (ROLLMAP = the CLI)
set -u
build=${1:?usage: $0 BUILD}
ROLLMAP=${ROLLMAP:-$build/rollmap}
PY=/usr/bin/python3
tmp=$(mktemp -d /tmp/rm-simphy-cli.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

expect() { # expect CODE ARGS...
    want=$1; shift
    "$ROLLMAP" "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    [ "$got" -eq "$want" ] ||
        fail "rollmap $*: exit $got, wanted $want: $(cat "$tmp/err")"
}

expect 0 sim --list-physics
for n in original line-lean line-shift line-both foot-power foot-gauss \
         foot-groove foot-skew foot-widen calf-vary tp-subtle flinch-partial \
         breath flex-sine turn-short pass-partial pause hold-short \
         lift-elsewhere crossed adc-glitch tare-drift mains-alias clock-skew \
         enc-effective enc-ripple enc-slip random; do
    grep -q "^$n  *[A-Za-z0-9]" "$tmp/out" || fail "--list-physics lacks $n"
done
expect 0 sim --help
grep -q -- "--physics" "$tmp/out" || fail "--help does not mention --physics"

expect 2 sim basic -o "$tmp/x.wav" --physics wobble
grep -q "unknown physics 'wobble'" "$tmp/err" || fail "no unknown-physics message"
expect 2 sim basic -o "$tmp/x.wav" --physics line-lean,line-shift
grep -q "exclude" "$tmp/err" || fail "no clash message"
[ ! -e "$tmp/x.wav" ] || fail "a refused --physics left a file"

expect 0 sim holds -q --seed 4 -o "$tmp/a.wav" --truth "$tmp/a.json"
expect 0 sim holds -q --seed 4 -o "$tmp/b.wav" --truth "$tmp/b.json" --physics original
cmp -s "$tmp/a.wav" "$tmp/b.wav" || fail "--physics original differs from none"
grep -q '"physics"' "$tmp/a.json" && fail "truth without --physics names physics"

expect 0 sim basic -q --seed 9 -o "$tmp/r1.wav" --truth "$tmp/r1.json" --physics random
expect 0 sim basic -q --seed 9 -o "$tmp/r2.wav" --truth "$tmp/r2.json" --physics random
cmp -s "$tmp/r1.wav" "$tmp/r2.wav" || fail "random is not repeatable"
cmp -s "$tmp/r1.json" "$tmp/r2.json" || fail "random truth is not repeatable"

expect 0 sim noisy -q --seed 2 -o "$tmp/v.wav" --truth "$tmp/v.json" \
    --physics line-shift,tp-subtle,pause,flinch-partial
$PY - "$tmp/a.json" "$tmp/v.json" <<'PYEOF' || fail "variant truth"
import json, sys
a = json.load(open(sys.argv[1])); v = json.load(open(sys.argv[2]))
assert set(a) <= set(v), set(a) - set(v)
assert v["physics"] == "line-shift,tp-subtle,flinch-partial,pause", v["physics"]
assert v["position_frame"].startswith("anatomical")
assert all(f["kind"] == "partial" for f in v["flinches"])
assert all("detectable" in t and "rise" in t for t in v["trigger_points"])
L = v["calf"]["length_cm"]
for h in v["holds"]:
    assert 0 <= h["position_cm"] <= L
for p in v["passes"]:
    assert 0 <= p["from_cm"] <= L and 0 <= p["to_cm"] <= L
PYEOF
"$ROLLMAP" info "$tmp/v.wav" >/dev/null || fail "rollmap info on a variant session"
echo "ok - rollmap sim --physics"
