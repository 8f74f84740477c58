#!/bin/sh
# read-ahead.sh: `rollmap report` with and without --read-ahead on the same
# session, interleaved, N runs each: median wall and CPU seconds and peak
# RSS, as run (whatever else the machine is doing) and pinned to one CPU
# (taskset). How the default in docs/performance.md was chosen.
#   bench/read-ahead.sh BUILD SESSION.wav [N]
set -eu
build=$1 wav=$2 n=${3:-7}
cli=$build/rollmap
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
run() { # label, then the command; appends "wall cpu rss_kb" to $tmp/label
    label=$1; shift
    /usr/bin/time -f '%e %U %S %M' -o "$tmp/t" "$@" -f json -o "$tmp/r.json" --force
    awk '{ printf "%s %.2f %d\n", $1, $2 + $3, $4 }' "$tmp/t" >> "$tmp/$label"
}
med() { sort -n -k"$2" "$tmp/$1" | awk -v k="$2" '{ v[NR] = $k } END { print v[int((NR + 1) / 2)] }'; }
for i in $(seq "$n"); do
    run one "$cli" report "$wav"
    run ahead "$cli" report --read-ahead "$wav"
    run one1 taskset -c 0 "$cli" report "$wav"
    run ahead1 taskset -c 0 "$cli" report --read-ahead "$wav"
done
printf '%-28s %8s %8s %9s\n' "$(basename "$wav") x$n" "wall s" "cpu s" "rss MB"
for l in one ahead one1 ahead1; do
    case $l in one) d="one thread";; ahead) d="--read-ahead";;
               one1) d="one thread, 1 CPU";; ahead1) d="--read-ahead, 1 CPU";; esac
    printf '%-28s %8s %8s %9.1f\n' "$d" "$(med $l 1)" "$(med $l 2)" "$(echo "$(med $l 3)" | awk '{ print $1 / 1024 }')"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
