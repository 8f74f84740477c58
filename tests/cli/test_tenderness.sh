#!/bin/sh
# The tenderness map (issue 15): on the bundled sessions the engine's
# peaks (candidate tender spots) sit on the high end of the tenderness
# panel's colours, far more than on the absolute pressure panel (which
# shows anatomy: the Achilles and the medial line); a session without
# trigger points stays below the top of the fixed scale; the scale's
# labels are the same in every report.
#   tests/cli/test_tenderness.sh BUILD   (ROLLMAP=path/to/rollmap)
set -u
build=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
ROLLMAP=${ROLLMAP:-$root/$build/rollmap}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

for s in basic basic-right holds noisy-short clean; do
    "$ROLLMAP" report "samples/$s.wav" -f svg -o "$tmp/$s.svg" || bad "report $s"
    /usr/bin/python3 tests/html/tenderness.py "$tmp/$s.svg" >"$tmp/$s.json" ||
        bad "$s: cannot read the panels"
    grep -q '>+30%</text>' "$tmp/$s.svg" || bad "$s: fixed scale label +30% missing"
done
/usr/bin/python3 - "$tmp" <<'PY' || fails=$((fails + 1))
import json, os, sys
d = sys.argv[1]
ok = True
t_all, p_all = [], []
for s in ("basic", "basic-right", "holds", "noisy-short"):
    r = json.load(open(os.path.join(d, s + ".json")))
    t, p = r["tenderness"], r["pressure"]
    if not t:
        print("FAIL: %s: no peaks on the map" % s); ok = False; continue
    t_all += t; p_all += p
    mt, mp = sum(t) / len(t), sum(p) / len(p)
    print("  %-12s peaks at tenderness percentile %.2f, pressure %.2f" % (s, mt, mp))
    # One session's 2-5 peaks move with any change to the model (the
    # samples regenerated for issue 13's effective radius took holds from
    # 0.77 to 0.64, noisy-short from 0.83 to 0.67): per session the panel
    # must only beat an uninformative one (pressure sits at 0.4-0.6); the
    # separation is judged over all peaks below.
    if mt < 0.6:
        print("FAIL: %s: peaks only at tenderness percentile %.2f" % (s, mt)); ok = False
mt, mp = sum(t_all) / len(t_all), sum(p_all) / len(p_all)
print("  all %d peaks: tenderness %.2f, pressure %.2f" % (len(t_all), mt, mp))
if mt < mp + 0.2:
    print("FAIL: tenderness (%.2f) does not single out the peaks better than "
          "pressure (%.2f)" % (mt, mp)); ok = False
c = json.load(open(os.path.join(d, "clean.json")))
print("  clean: highest tenderness %+.0f %%" % (100 * c["max_tenderness"]))
if c["max_tenderness"] >= 0.30:
    print("FAIL: clean session reaches the top of the scale"); ok = False
sys.exit(0 if ok else 1)
PY
[ $fails -eq 0 ] && echo "tenderness: ok"
exit $((fails > 0))
