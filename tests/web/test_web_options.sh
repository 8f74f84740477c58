#!/bin/sh
# --web, --color and --bell on the command line: bad values are usage
# errors (exit 2) before anything is opened; a port already in use is a
# runtime error (exit 1) that names it; a bare port listens on 127.0.0.1
# only, without a token.
set -u
build=${1:?usage: $0 BUILD}
R=${ROLLMAP:-$build/rollmap}
tmp=$(mktemp -d /tmp/rm-test_webopt.XXXXXX)
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
S=samples/short.wav

for bad in foo 70000 -1 host.example:80 :80 "1.2.3.4:" "[::1:80" 80x; do
    for cmd in "replay $S" "record --sim=short --no-realtime -o $tmp/x.wav"; do
        # shellcheck disable=SC2086
        "$R" $cmd --web "$bad" >"$tmp/o" 2>"$tmp/e"
        rc=$?
        [ $rc -eq 2 ] && grep -q -- "--web" "$tmp/e" ||
            fail "$cmd --web '$bad': exit $rc: $(cat "$tmp/e")"
    done
done
[ -e "$tmp/x.wav" ] && fail "a usage error left a file"
"$R" replay $S --color=purple >"$tmp/o" 2>"$tmp/e"
[ $? -eq 2 ] && grep -q "auto, always or never" "$tmp/e" || fail "--color=purple"
"$R" replay $S --color=never --bell --speed 0 --quiet >"$tmp/o" 2>"$tmp/e" ||
    fail "--color=never --bell: $(cat "$tmp/e")"

# a bare port: 127.0.0.1, no token, URL printed once
"$R" replay $S --speed 0.5 --quiet --web 0 >"$tmp/o" 2>"$tmp/e" &
pid=$!
i=0
while ! grep -q "live view at" "$tmp/e" && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
url=$(sed -n 's/.*live view at \(http:[^ ]*\).*/\1/p' "$tmp/e")
case $url in
http://127.0.0.1:[0-9]*/) ;;
*) fail "bare port: URL '$url'" ;;
esac
[ "$(grep -c "live view at" "$tmp/e")" -eq 1 ] || fail "URL printed more than once"
port=${url#http://127.0.0.1:}; port=${port%/}
# the same port again: exit 1, saying which
"$R" replay $S --speed 0 --quiet --web "$port" >"$tmp/o2" 2>"$tmp/e2"
rc=$?
[ $rc -eq 1 ] && grep -q "cannot listen on 127.0.0.1 port $port" "$tmp/e2" ||
    fail "port in use: exit $rc: $(cat "$tmp/e2")"
kill -INT $pid; wait $pid; pid=""

[ $fails -eq 0 ] && echo "test_web_options: ok"
[ $fails -eq 0 ]
