#!/bin/sh
# Untrusted text: notes (from the file's metadata) and file names holding
# markup, script and terminal control sequences. HTML and SVG must show
# them as text (escaped), JSON must stay valid, and no control character
# may reach the terminal raw (text report, info, trend, error messages).
# $1: build directory; $ROLLMAP: the CLI.
set -u
R=${ROLLMAP:-$1/rollmap}
PY=/usr/bin/python3
tmp=$(mktemp -d /tmp/rollmap-text.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fails=0
ok()   { echo "ok   $*"; }
fail() { echo "FAIL $*"; fails=$((fails + 1)); }

# raw_controls FILE...: fails if a control character is in the files: a
# byte < 0x20 other than \t \n \r, 0x7f, a C1 control U+0080..U+009F in
# UTF-8 (VTE and xterm act on them: U+009B is CSI), or a lone byte
# 0x80..0x9F (CSI and friends on an 8-bit terminal).
raw_controls() {
    "$PY" - "$@" <<'PY'
import sys
def bad_char(ch):
    o = ord(ch)
    if 0xdc80 <= o <= 0xdc9f:          # undecodable byte 0x80..0x9f
        return True
    return (o < 0x20 and ch not in '\t\n\r') or 0x7f <= o <= 0x9f
bad = [f for f in sys.argv[1:]
       if any(bad_char(ch) for ch in
              open(f, 'rb').read().decode('utf-8', 'surrogateescape'))]
print(' '.join(bad))
sys.exit(1 if bad else 0)
PY
}

notes=$(printf '<script>alert(1)</script> <img src=x onerror=alert(2)> & "q" '"'"'s'"'"' \033[2J\033]0;pwned\007 \001 ]]> --> </svg>')
"$R" record --sim=short --no-realtime --duration 3 -q --notes "$notes" \
    -o n.wav >rec.out 2>rec.err || fail "record with notes: exit $?"
for f in text json html svg; do
    "$R" report -f $f -o r.$f n.wav 2>>rep.err || fail "report -f $f: exit $?"
done
"$R" info n.wav >info.txt 2>&1 || fail "info"
"$R" info --json n.wav >info.json 2>&1 || fail "info --json"

# HTML / SVG: the markup is escaped, never live.
for f in r.html r.svg; do
    if grep -q -e '<script>alert' -e '<img src=x' -e '</svg> ' "$f"; then
        fail "$f: raw markup from the notes"
    else
        ok "$f: no raw markup from the notes"
    fi
done
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' r.html &&
    ok "r.html: the note shows as text" || fail "r.html: escaped note not found"
# JSON: valid, and the note is there with its markup as data.
"$PY" - r.json info.json <<'PY' && ok "JSON reports parse; the note is data" || fail "JSON"
import json, sys
for f in sys.argv[1:]:
    d = json.load(open(f))
    s = json.dumps(d)
    assert 'alert(1)' in s, f
PY
# Terminal: nothing raw in text outputs and messages.
bad=$(raw_controls rec.out rec.err rep.err r.text info.txt) &&
    ok "text report, info, record: no raw control characters" ||
    fail "raw control characters in: $bad"

# File names with control sequences and markup: messages and outputs.
name=$(printf 'ev\033[2Jil<b>x&amp;\007.wav')
cp n.wav "$name"
"$R" trend "$name" n.wav >trend.txt 2>trend.err || fail "trend: exit $?"
"$R" trend -f json "$name" >trend.json 2>>trend.err || fail "trend json"
"$R" report -f html -o h2.html "$name" 2>>trend.err || fail "report html"
"$R" info "missing$(printf '\033[31m')" 2>miss.err; rc=$?
[ $rc = 1 ] || fail "info on a missing file: exit $rc"
grep -q 'missing\\x1b\[31m' miss.err && ok "error message shows the name escaped" ||
    fail "error message: $(cat -v miss.err)"
bad=$(raw_controls trend.txt trend.err trend.json h2.html miss.err) &&
    ok "trend, report, messages: file names never raw" ||
    fail "raw control characters in: $bad"
"$PY" -c "import json,sys; json.load(open('trend.json'))" &&
    ok "trend JSON with a hostile label parses" || fail "trend JSON invalid"
! grep -q '<b>x' h2.html && ok "h2.html: no raw markup from the file name" ||
    fail "h2.html: raw markup from the file name"

# C1 controls (U+009B is CSI in VTE/xterm; a lone 0x9B on 8-bit
# terminals) in the notes and in a file name.
c1=$(printf 'c1 \302\2332J \233[31m end')
"$R" record --sim=short --no-realtime --duration 1 -q --notes "$c1" \
    -o c1.wav >/dev/null 2>&1 || fail "record with C1 notes"
"$R" info c1.wav >c1-info.txt 2>&1
"$R" info "gone$(printf '\302\233')2J.wav" >c1-msg.txt 2>&1
bad=$(raw_controls c1-info.txt c1-msg.txt) &&
    ok "info, messages: C1 controls escaped" ||
    fail "raw C1 controls in: $bad"
# info --json too, as report -f json does: valid UTF-8, no C1 controls
# (regression: json-c passed C1 and invalid bytes through).
"$R" record --sim=short --no-realtime --duration 1 -q \
    --notes "$c1$(printf ' \377\376 bad')" -o c1b.wav >/dev/null 2>&1 ||
    fail "record with invalid UTF-8 notes"
"$R" info --json c1b.wav >c1-info.json 2>&1
bad=$(raw_controls c1-info.json) &&
    "$PY" -c 'import json,sys; json.loads(open(sys.argv[1],"rb").read().decode("utf-8"))' c1-info.json &&
    ok "info --json: C1 controls and invalid UTF-8 replaced" ||
    fail "info --json: raw C1 controls or invalid UTF-8 ($bad)"
# The text report replaces C1 controls from the notes too (regression:
# rm_utf8_clean once kept U+0080..U+009F).
"$R" report -f text c1.wav >c1-report.txt 2>&1
bad=$(raw_controls c1-report.txt) &&
    ok "text report: C1 controls in notes replaced" ||
    fail "text report: raw C1 controls from the notes"

[ "$fails" -eq 0 ] && echo "untrusted text: ok" || echo "untrusted text: $fails failed"
[ "$fails" -eq 0 ]
