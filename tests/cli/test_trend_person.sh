#!/bin/sh
# rollmap trend and the person (issue 15): files naming different persons
# are refused (exit 2, naming both) unless --any-person; sessions naming
# nobody go with anyone.
# Usage: tests/cli/test_trend_person.sh BUILD   (ROLLMAP = the CLI)
set -u
build=${1:?usage: $0 BUILD}
R=${ROLLMAP:-$build/rollmap}
R=$(cd "$(dirname "$R")" && pwd)/$(basename "$R")
samples=$(cd "$(dirname "$0")/../../samples" && pwd)
tmp=$(mktemp -d /tmp/rm-trendp.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

cp "$samples/short.wav" "$tmp/a1.wav"; cp "$samples/short.wav" "$tmp/a2.wav"
cp "$samples/short.wav" "$tmp/b.wav"; cp "$samples/short.wav" "$tmp/n.wav"
"$R" tag "$tmp/a1.wav" --person anna >/dev/null
"$R" tag "$tmp/a2.wav" --person anna >/dev/null
"$R" tag "$tmp/b.wav" --person ben >/dev/null
"$R" trend "$tmp/a1.wav" "$tmp/a2.wav" "$tmp/n.wav" >/dev/null 2>"$tmp/e" ||
    fail "one person (and a session naming nobody) refused: $(cat "$tmp/e")"
"$R" trend "$tmp/a1.wav" "$tmp/b.wav" >/dev/null 2>"$tmp/e"
[ $? -eq 2 ] && grep -q "'anna'.*'ben'" "$tmp/e" ||
    fail "two persons not refused: $(cat "$tmp/e")"
"$R" trend --any-person "$tmp/a1.wav" "$tmp/b.wav" >"$tmp/o" 2>"$tmp/e" &&
    grep -q "2 sessions" "$tmp/o" || fail "--any-person: $(cat "$tmp/e")"
[ $fails -eq 0 ] && echo "test_trend_person: ok" >&2
exit $((fails > 0))
