#!/bin/sh
# rollmap sim: usage errors (exit 2), refusing to overwrite (exit 1),
# --force, identical output for the same seed, different for another,
# truth JSON that parses and matches the file (frames, leg, drops), and
# a session that Python's soundfile and `rollmap info` open.
# Usage: tests/cli/test_sim.sh BUILD   (ROLLMAP = the CLI)
set -u
build=${1:?usage: $0 BUILD}
ROLLMAP=${ROLLMAP:-$build/rollmap}
PY=/usr/bin/python3
tmp=$(mktemp -d /tmp/rm-sim-cli.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

expect() { # expect CODE ARGS...: run rollmap, compare the exit code
    want=$1; shift
    "$ROLLMAP" "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    [ "$got" -eq "$want" ] ||
        fail "rollmap $*: exit $got, wanted $want: $(cat "$tmp/err")"
}

# --help: exit 0, every scenario named, an example.
expect 0 sim --help
for s in basic holds clean noisy stress short; do
    grep -q "^  $s " "$tmp/out" || fail "--help does not list $s"
done
grep -q "^Example:" "$tmp/out" || fail "--help has no example"

# Usage errors: exit 2 with a hint.
expect 2 sim gym -o "$tmp/x.wav"
grep -q "unknown scenario 'gym'" "$tmp/err" || fail "no scenario message"
expect 2 sim basic
grep -q "Try 'rollmap sim --help'" "$tmp/err" || fail "no hint"
expect 2 sim basic -o "$tmp/x.wav" --seed -3
expect 2 sim basic -o "$tmp/x.wav" --seed 12x
expect 2 sim basic -o "$tmp/x.wav" --leg middle
expect 2 sim basic -o "$tmp/x.wav" --duration 0
expect 2 sim basic -o "$tmp/x.wav" --bogus
expect 2 sim basic extra -o "$tmp/x.wav"
[ -e "$tmp/x.wav" ] && fail "a usage error wrote a file"

# A short session with truth; refuse to overwrite either file.
expect 0 sim short -o "$tmp/a.wav" --truth "$tmp/a.json" --seed 4 --leg right
[ -s "$tmp/a.wav" ] && [ -s "$tmp/a.json" ] || fail "files not written"
cp "$tmp/a.wav" "$tmp/a.keep"
expect 1 sim short -o "$tmp/a.wav" --seed 9
grep -q "force" "$tmp/err" || fail "overwrite refusal does not mention --force"
cmp -s "$tmp/a.wav" "$tmp/a.keep" || fail "refused overwrite changed the file"
expect 1 sim short -o "$tmp/b.wav" --truth "$tmp/a.json" --seed 4
[ -e "$tmp/b.wav" ] && fail "refusing the truth file still wrote a session"
expect 0 sim short -o "$tmp/a.wav" --truth "$tmp/a.json" --seed 4 \
    --leg right --force

# Same seed: identical samples; another seed: different.
expect 0 sim short -o "$tmp/c.wav" --seed 4 --leg right -q
[ -s "$tmp/err" ] && fail "--quiet still printed: $(cat "$tmp/err")"
expect 0 sim short -o "$tmp/d.wav" --seed 5 --leg right -q
expect 0 info --json "$tmp/a.wav"
grep -q '"right"' "$tmp/out" || fail "info does not show the right leg"
grep -q 'simulated: short seed 4' "$tmp/out" || fail "notes missing"

"$PY" - "$tmp" <<'PYEOF' || fail "soundfile / truth check"
import json, sys
import numpy as np
import soundfile as sf
d = sys.argv[1]
a, _ = sf.read(d + "/a.wav", dtype="int32")
c, _ = sf.read(d + "/c.wav", dtype="int32")
e, _ = sf.read(d + "/d.wav", dtype="int32")
t = json.load(open(d + "/a.json"))
assert np.array_equal(a, c), "same seed gave different samples"
assert a.shape != e.shape or not np.array_equal(a, e), "seed ignored"
assert a.shape[0] == t["frames"], (a.shape, t["frames"])
assert a.shape[1] >= t["cells"], a.shape
assert t["leg"] == "right" and t["scenario"] == "short" and t["seed"] == 4
assert abs(t["duration_s"] - 8.0) < 1e-9
for k in ("holds", "passes", "flinches", "liftoffs", "trigger_points"):
    assert isinstance(t[k], list), k
assert len(t["passes"]) >= 1
PYEOF

# Noisy: the file's dropped count equals the truth's.
expect 0 sim noisy -o "$tmp/n.wav" --truth "$tmp/n.json" --seed 2 \
    --duration 60
expect 0 info --json "$tmp/n.wav"
"$PY" - "$tmp" <<'PYEOF' || fail "noisy drops differ from truth"
import json, sys
d = sys.argv[1]
info = json.load(open(d + "/out"))
truth = json.load(open(d + "/n.json"))
def find(o, key):
    if isinstance(o, dict):
        if key in o:
            return o[key]
        for v in o.values():
            r = find(v, key)
            if r is not None:
                return r
    return None
dropped = find(info, "dropped_frames")
if dropped is None:
    dropped = find(info, "dropped")
assert truth["dropped_frames"] > 0
assert dropped is not None, "info --json has no dropped count"
# Frames lost after the last received one leave no gap in the file.
assert 0 <= truth["dropped_frames"] - dropped <= 50, (dropped, truth["dropped_frames"])
PYEOF
exit 0
