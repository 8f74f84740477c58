#!/bin/sh
# The web live view (record/replay --web): tests/web/webview.py checks
# the page in headless Chromium against the terminal view of the same
# record --sim run, and the server's rules (token, read-only, 4xx,
# stalled viewers dropped, no frame lost). Skips without chromium or
# python3-pyte.
set -u
build=${1:?usage: $0 BUILD}
PY=/usr/bin/python3
$PY -c "import pyte" 2>/dev/null || { echo "SKIP: python3-pyte missing"; exit 0; }
TMPDIR_TEST=$(mktemp -d /tmp/rm-test_web.XXXXXX)
export TMPDIR_TEST
trap 'rm -rf "$TMPDIR_TEST"' EXIT
dir=$(dirname "$0")
rc=0
$PY "$dir/webview.py" guard "$build" || rc=1
$PY "$dir/webview.py" dom "$build"
r=$?
[ $r -eq 77 ] && echo "SKIP: no browser for the page test"
[ $r -ne 0 ] && [ $r -ne 77 ] && rc=1
[ $rc -eq 0 ] && echo "test_liveview_web: ok"
exit $rc
