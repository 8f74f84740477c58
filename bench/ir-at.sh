#!/bin/sh
# Engine instructions per frame at any commit, for "what did this change
# buy": exports COMMIT (git archive: the working tree is not touched),
# builds it with today's bench/ programs, and runs the same callgrind
# measurement as `make bench` on the sessions already in bench/out/.
# Prints BASELINE.md rows.
#
#   bench/ir-at.sh COMMIT [SESSION...]    (default: stress-60 reva-600)
set -eu
[ $# -ge 1 ] || { echo "usage: bench/ir-at.sh COMMIT [SESSION...]" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
commit=$(git -C "$root" rev-parse --short "$1")
shift
[ $# -gt 0 ] || set -- stress-60 reva-600
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$root" archive "$commit" | tar -x -C "$tmp"
mkdir -p "$tmp/bench"
cp "$root/bench/bench.mk" "$root/bench/engine_ir.c" "$root/bench/floor.c" \
   "$root/bench/reader.c" "$root/bench/livelat.c" "$tmp/bench/"
make -C "$tmp" -j2 BUILD=b b/bench/engine_ir >"$tmp/build.log" 2>&1 || {
    echo "ir-at: $commit does not build with today's bench programs:" >&2
    tail -5 "$tmp/build.log" >&2
    exit 1
}
echo "| session | Ir/frame | frames | Ir total |   <- commit $commit"
for s in "$@"; do
    f=$(ls "$root"/bench/out/"$s"-s*.wav 2>/dev/null | head -1)
    [ -n "$f" ] || { echo "ir-at: no $s session in bench/out (run make bench)" >&2; exit 1; }
    out=$(valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.$s" \
          --collect-atstart=no '--toggle-collect=engine_run*' \
          "$tmp/b/bench/engine_ir" "$f" 2>/dev/null)
    frames=$(echo "$out" | awk '{print $2}')
    ir=$(awk '/^(summary|totals):/ {print $2; exit}' "$tmp/cg.$s")
    printf '| %s | %s | %s | %s |\n' "$s" \
        "$(awk -v i="$ir" -v n="$frames" 'BEGIN{printf "%.0f", i/n}')" \
        "$frames" "$ir"
done
