#!/bin/sh
# Render an HTML (or SVG) file in headless Chromium: writes the DOM as
# the browser built it to OUTDIR/dom.html and a screenshot to
# OUTDIR/shot.png. Exit 0 on success, 77 when no browser can run here
# (the caller reports a skip), 1 on a render failure.
#   tests/html/render.sh FILE OUTDIR
set -u
file=$1; out=$2
browser=""
for b in chromium chromium-browser google-chrome; do
    command -v "$b" >/dev/null 2>&1 && { browser=$b; break; }
done
[ -n "$browser" ] || { echo "render: no chromium installed"; exit 77; }
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
abs=$(cd "$(dirname "$file")" && pwd)/$(basename "$file")
# No network, no first-run work, nothing kept: a report must render from
# the file alone.
flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
--disable-background-networking --disable-component-update --disable-sync
--hide-scrollbars --user-data-dir=$profile"
# shellcheck disable=SC2086
if ! timeout 90 "$browser" $flags --dump-dom "file://$abs" \
        >"$out/dom.html" 2>"$out/browser.log"; then
    if grep -qiE "cannot open display|error while loading shared|not found" \
            "$out/browser.log"; then
        echo "render: $browser cannot run here:"; tail -3 "$out/browser.log"
        exit 77
    fi
    echo "render: $browser failed on $file"; tail -5 "$out/browser.log"
    exit 1
fi
# shellcheck disable=SC2086
timeout 90 "$browser" $flags --window-size=1000,1800 \
    --screenshot="$out/shot.png" "file://$abs" >>"$out/browser.log" 2>&1 || {
    echo "render: screenshot failed"; tail -5 "$out/browser.log"; exit 1; }
exit 0
