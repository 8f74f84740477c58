#!/bin/sh
# rollmap report LEFT.wav RIGHT.wav (issue 15): one report of both calves
# in text, JSON, SVG and HTML with the asymmetry per zone; swapping the
# files flips every difference; SVG well-formed with unique ids; the HTML
# page legible at 390 px (headless Chromium, when present); usage errors.
#   tests/cli/test_report_pair.sh BUILD   (ROLLMAP=path/to/rollmap)
set -u
build=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
ROLLMAP=${ROLLMAP:-$root/$build/rollmap}
PY=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
L=samples/basic.wav; Rt=samples/basic-right.wav

"$ROLLMAP" report "$L" "$Rt" -f csv >/dev/null 2>"$tmp/e"; [ $? -eq 2 ] || bad "csv with two files not refused"
"$ROLLMAP" report "$L" "$Rt" --leg left >/dev/null 2>"$tmp/e"; [ $? -eq 2 ] || bad "--leg with two files not refused"
"$ROLLMAP" report "$L" "$Rt" "$L" >/dev/null 2>"$tmp/e"; [ $? -eq 2 ] || bad "three files not refused"
"$ROLLMAP" report "$L" "$tmp/none.wav" >/dev/null 2>"$tmp/e"; [ $? -eq 1 ] || bad "missing right file: exit"
"$ROLLMAP" report "$L" "$L" >/dev/null 2>"$tmp/e"; [ $? -eq 1 ] &&
    grep -q "both sessions are of the left calf" "$tmp/e" || bad "two left calves not refused"
# A file without a leg takes the side its place gives.
cp "$Rt" "$tmp/u.wav"; "$ROLLMAP" tag "$tmp/u.wav" --leg unknown >/dev/null
"$ROLLMAP" report "$L" "$tmp/u.wav" -f json -o "$tmp/u.json" || bad "unknown-leg pair"
"$ROLLMAP" report "$L" "$Rt" -f json -o "$tmp/k.json" || bad "known pair"
cmp -s "$tmp/u.json" "$tmp/k.json" && bad "file name not in the report?"
"$PY" -c 'import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); assert a["zones"]==b["zones"], "an unknown-leg right file placed by order should match"' "$tmp/u.json" "$tmp/k.json" || bad "unknown leg placed by order"

"$ROLLMAP" report "$L" "$Rt" >"$tmp/t.txt" || bad "text"
grep -q "Asymmetry by zone" "$tmp/t.txt" || bad "text: no asymmetry table"
for f in json svg html; do
    "$ROLLMAP" report "$L" "$Rt" -f $f -o "$tmp/p.$f" || bad "$f"
done
"$ROLLMAP" report "$Rt" "$L" -f json -o "$tmp/swap.json" || bad "swapped json"
"$PY" - "$tmp/p.json" "$tmp/swap.json" "$tmp/p.svg" <<'PY' || fails=$((fails + 1))
import json, sys, xml.etree.ElementTree as E
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
assert [z["zone"] for z in a["zones"]] == ["achilles", "soleus",
    "gastrocnemius_medial", "gastrocnemius_lateral", "below_knee"], a["zones"]
assert a["left"]["peaks"] == 4 and a["right"]["peaks"] == 6, (a["left"], a["right"])
# Files naming their legs go on their sides in either order.
assert a["zones"] == b["zones"] and a["left"] == b["left"], "order changed the report"
# The pressure asymmetry is what the table's numbers give.
z = a["zones"][1]
l, r = z["left"]["pressure_kpa"], z["right"]["pressure_kpa"]
assert abs(z["left_minus_right"]["pressure_pct"] - 100 * (l - r) / ((l + r) / 2)) < 1e-9
root = E.parse(sys.argv[3]).getroot()
ids = [e.get("id") for e in root.iter() if e.get("id")]
dup = sorted(set(i for i in ids if ids.count(i) > 1))
assert not dup, dup
assert "hold-1-left" in ids and "peak-5-right" in ids, ids[:20]
PY
"$PY" - "$tmp/p.html" <<'PY' || bad "html has duplicate ids"
import re, sys
ids = re.findall(r' id="([^"]+)"', open(sys.argv[1]).read())
dup = sorted(set(i for i in ids if ids.count(i) > 1))
assert not dup, dup
PY
out=$root/$build/tests/html/artefacts/pair
if "$PY" tests/html/measure.py "$tmp/p.html" 390 "$out" >"$tmp/m.json"; then
    "$PY" - "$tmp/m.json" <<'PY' || fails=$((fails + 1))
import json, sys
r = json.load(open(sys.argv[1]))
ok = r["viewport"] == 390 and not r["overflow"] and not r["small"] and not r["identifiers"]
if not ok:
    print("FAIL: pair page at 390 px:", r["overflow"][:3], r["small"][:3], r["identifiers"][:3])
sys.exit(0 if ok else 1)
PY
else
    echo "note: no browser; pair page layout not measured"
fi
[ $fails -eq 0 ] && echo "report pair: ok"
exit $((fails > 0))
