#!/bin/sh
# The terminal live view as a person sees it: record and replay run on a
# pseudo-terminal of 40, 80 and 160 columns, their output replayed
# through pyte (a terminal emulator; tests/pty/liveview_screen.py), and
# the screen checked: the calf strip (ankle -> knee x medial, middle,
# lateral) with the place marked on the named line, the hold timer with
# its 30 and 90 s labels, speed, kPa, the session clock, lost frames; no
# printed line as wide as the terminal (nothing wraps), also after a
# resize (SIGWINCH); colour only when asked and never with NO_COLOR; the
# bell at 30 s with --bell; Ctrl-C says the replay was partial.
set -u
build=${1:?usage: $0 BUILD}
R=${ROLLMAP:-$build/rollmap}
PY=/usr/bin/python3
if ! $PY -c "import pyte" 2>/dev/null; then
    echo "SKIP: python3-pyte is not installed (tools/install-deps)"
    exit 0
fi
tmp=$(mktemp -d /tmp/rm-test_liveview.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
S="$(dirname "$0")/liveview_screen.py"
H=samples/holds.wav

# check NAME JSON PYTHON-ASSERTIONS: d is the result; fail with a message.
fails=0
check() {
    name=$1; json=$2; code=$3
    if $PY - "$json" <<PYEOF
import json, re, sys
d = json.load(open(sys.argv[1]))
scr = d["screen"]
def show():
    return "\n".join("|" + l for l in scr)
def need(cond, what):
    if not cond:
        print("FAIL $name: " + what + "\n" + show() + "\nstderr: " + d["stderr"])
        sys.exit(1)
def row(prefix, lines=None):
    for i, l in enumerate(lines or scr):
        if l.startswith(prefix):
            return i
    return -1
$code
PYEOF
    then echo "ok   $name"; else fails=$((fails + 1)); fi
}

# common: the view's block at the top of the screen with every part
common='
def block(lines, cols, resized=False):
    top = max(i for i, l in enumerate(lines) if re.search(r"\d+:\d\d\.\d \[", l))
    # a resize may leave wrapped remains of the old block above the new one
    need(top == 0 or resized, "the block moved down (a redraw wrapped or scrolled)")
    lines = lines[top:]
    med = row(" med", lines); mid = row(" mid", lines); lat = row(" lat", lines)
    need(0 < med < mid < lat, "strip rows medial, middle, lateral")
    need("ankle" in lines[med - 1] and lines[med - 1].rstrip().endswith("knee"),
         "ankle ... knee over the strip")
    ends = [lines[r].rstrip() for r in (med, mid, lat)]
    need(all(e.endswith("|") for e in ends), "strip closed on every line")
    need(len(set(len(e) for e in ends)) == 1, "strip rows equally long")
    need(all(len(l) <= cols - 1 for l in lines), "a line as wide as the terminal")
    txt = "\n".join(lines)
    need(re.search(r"HOLD \d+ s", txt), "hold timer")
    need("30 s" in txt and "90 s" in txt, "hold marks labelled 30 s and 90 s")
    need(re.search(r"speed \d+\.\d cm/s", txt), "speed")
    need(re.search(r"peak \d+ kPa", txt), "peak in kPa")
    need(re.search(r"5-10 min", txt), "session clock against 5-10 min")
    need(re.search(r"frames \d+  lost \d+", txt), "frames and lost")
    return med, mid, lat
'

# 1. 40 columns, colour and bell asked for, a hold crossing 30 s, Ctrl-C.
$PY "$S" 40 30 6 --int -- "$R" replay $H --speed 8 --from 0:45 \
    --color=always --bell >"$tmp/40.json"
check "40 columns: the whole view fits, colour, bell at 30 s, partial on Ctrl-C" "$tmp/40.json" "$common
block(scr, 40)
need(d['widest'] <= 39, 'printed a line of %d columns' % d['widest'])
need(d['colour'], 'no colour with --color=always')
need(d['bells'] >= 1, 'no bell when the hold reached 30 s')
h = [int(m.group(1)) for s in d['snaps'] for m in [re.search(r'HOLD (\d+) s', '\n'.join(s))] if m]
need(max(h) >= 30 and any(x < 30 for x in h if x > 0), 'hold timer did not run past 30 s: %s' % h[-5:])
need(any('good hold' in '\n'.join(s) for s in d['snaps']), 'no good hold word')
need(d['rc'] == 0 and 'partial replay' in d['stderr'] and 'Holds' not in '\n'.join(scr), 'Ctrl-C: partial replay, no summary')
"

# 2. 80 columns, NO_COLOR, placed on the calf, then narrowed to 50.
$PY "$S" 80 30 5 --int --resize 50@3 --env NO_COLOR=1 -- "$R" replay $H \
    --speed 10 --from 3:00 >"$tmp/80.json"
check "80 columns: place marked on its line, NO_COLOR, resize to 50" "$tmp/80.json" "$common
need(not d['colour'], 'colour codes despite NO_COLOR')
need(d['widest'] <= 49, 'after the resize a line of %d columns' % d['widest'])
placed = 0
provs = set()
for s in d['snaps'][:d['resize_snap']]:
    if not any(re.search(r'line (medial|middle|lateral)~?  place', l) for l in s):
        continue
    med, mid, lat = block(s, 80)
    m = re.search(r'line (\w+)(~?)  place (\d+\.\d) cm(~?) (\d+)%', '\n'.join(s))
    r = {'medial': med, 'middle': mid, 'lateral': lat}[m.group(1)]
    need(s[r].count('O') == 1, 'no place mark on the ' + m.group(1) + ' line')
    others = [x for x in (med, mid, lat) if x != r]
    need(all('O' not in s[x] for x in others), 'place mark on another line')
    left, right = s[r].index('|'), s[r].rindex('|')
    col = (s[r].index('O') - left - 1) / (right - left - 1)
    need(abs(col - int(m.group(5)) / 100) < 0.05, 'mark at %.2f, place %s%%' % (col, m.group(5)))
    # rm_live.provisional: the note only with a ~ on the line or place.
    marked = bool(m.group(2) or m.group(4))
    need(('(~ provisional)' in '\n'.join(s)) == marked,
         'provisional note %s a ~' % ('without' if not marked else 'missing with'))
    provs.add(marked)
    placed += 1
need(placed >= 3, 'placed on the calf in only %d screens' % placed)
need(False in provs, 'every placed screen marked provisional')
block(scr, 50, resized=True)
"

# 3. 160 columns, the whole session at full speed: the strip filled in.
$PY "$S" 160 40 0 -- "$R" replay $H --speed 0 >"$tmp/160.json"
check "160 columns: the strip filled in by the end, summary after it" "$tmp/160.json" "$common
scr = d['snaps'][-1]
med, mid, lat = block(scr, 160)
need(d['widest'] <= 159, 'a line of %d columns' % d['widest'])
need(d['rc'] == 0, 'exit %d' % d['rc'])
strip = ''.join(scr[r][scr[r].index('|') + 1:scr[r].rindex('|')] for r in (med, mid, lat))
need(len(strip) == 180, 'strip of %d cells, want 3 x 60' % len(strip))
need(sum(c in '.:=#' for c in strip) > 120, 'little coverage: ' + strip)
need(sum(c == '#' for c in strip) >= 3, 'no well-covered spot (the holds)')
need(re.search(r'6:15\.\d \[', scr[0]) and 'enough' in scr[0], 'session clock at the end: ' + scr[0])
need('it is not a diagnosis' in '\n'.join(d['screen']), 'no summary after the view')
"

# 3b. rolling only (clean.wav) at 60 columns: SLOWER while faster than
#     the 2.5 cm/s guidance, good pace when not.
$PY "$S" 60 30 0 -- "$R" replay samples/clean.wav --speed 40 >"$tmp/60.json"
check "60 columns: SLOWER above 2.5 cm/s, good pace below" "$tmp/60.json" "$common
slower = pace = 0
for s in d['snaps']:
    block(s, 60)
    m = re.search(r'speed (\\d+\\.\\d) cm/s( +(SLOWER|good pace|ok))?', '\\n'.join(s))
    v = float(m.group(1))
    if m.group(3) == 'SLOWER':
        need(v >= 2.5, 'SLOWER at %.1f cm/s' % v); slower += 1
    elif m.group(3):
        need(v <= 2.5, 'good pace at %.1f cm/s' % v); pace += 1
need(slower >= 1 and pace >= 1, 'SLOWER %d times, good pace %d times' % (slower, pace))
"

# 4. record from the virtual board draws the same view.
$PY "$S" 80 30 0 -- "$R" record --sim=holds --speed 20 --duration 40 \
    -o "$tmp/r.wav" >"$tmp/rec.json"
check "record --sim: the view at 80 columns" "$tmp/rec.json" "$common
block(d['snaps'][-1], 80)
need(d['rc'] == 0, 'exit %d: %s' % (d['rc'], d['stderr']))
need(d['widest'] <= 79, 'a line of %d columns' % d['widest'])
"

[ $fails -eq 0 ] && echo "test_liveview_tty: ok"
[ $fails -eq 0 ]
