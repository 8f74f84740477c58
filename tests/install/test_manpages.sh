#!/bin/sh
# The man pages stay true to the program and the library:
#  - both render with groff without a warning;
#  - rollmap(1) has a section for every command `rollmap --help` lists,
#    and names every option each `rollmap CMD --help` shows, and the
#    exit codes 0-4;
#  - librollmap(3) names every function the shared library exports.
# Usage: tests/install/test_manpages.sh BUILD   (ROLLMAP = the CLI)
set -u
build=${1:?usage: $0 BUILD}
here=$(cd "$(dirname "$0")" && pwd)
man=$here/../../man
ROLLMAP=${ROLLMAP:-$build/rollmap}
tmp=$(mktemp -d /tmp/rm-man.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

for page in rollmap.1 librollmap.3; do
    groff -man -ww -z "$man/$page" 2>"$tmp/warn" ||
        fail "$page: groff failed: $(cat "$tmp/warn")"
    [ -s "$tmp/warn" ] && fail "$page: groff warns: $(head -5 "$tmp/warn")"
done

# The page as a reader sees it, without hyphenation or adjustment, so
# option names are not split across lines.
render() {
    groff -man -Tutf8 -P -cbou -rHY=0 -dAD=l -rLL=200n "$man/$1" 2>/dev/null |
        sed 's/‐/-/g; s/−/-/g'
}
# The pages say which version they describe (MAJOR.MINOR in .TH).
mm=$(sed -n 's/^#define RM_VERSION_STRING "\([0-9]*\.[0-9]*\)\..*"$/\1/p' \
     "$build/include/rollmap_version.h")
[ -n "$mm" ] || fail "no version in $build/include/rollmap_version.h"
grep -q "^\.TH ROLLMAP 1 .*\"rollmap $mm\"" "$man/rollmap.1" ||
    fail "rollmap.1: .TH does not say rollmap $mm"
grep -q "^\.TH LIBROLLMAP 3 .*\"librollmap $mm\"" "$man/librollmap.3" ||
    fail "librollmap.3: .TH does not say librollmap $mm"

render rollmap.1 >"$tmp/rollmap.txt"
grep -q "EXIT STATUS" "$tmp/rollmap.txt" || fail "rollmap.1: no EXIT STATUS"
sed -n '/^OPTIONS/,/^[A-Z]/p' "$tmp/rollmap.txt" | grep -q -- "--help" ||
    fail "rollmap.1: OPTIONS does not describe --help"

"$ROLLMAP" --help >"$tmp/help" || fail "rollmap --help: exit $?"
cmds=$(sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z]*\) .*/\1/p' "$tmp/help")
[ "$(echo "$cmds" | wc -w)" -ge 5 ] || fail "rollmap --help lists: $cmds"
missing=""
for c in $cmds; do
    grep -q "^   rollmap $c\$" "$tmp/rollmap.txt" ||
        fail "rollmap.1 has no section for '$c'"
    "$ROLLMAP" "$c" --help >"$tmp/chelp" 2>&1 ||
        fail "rollmap $c --help: exit $?"
    # Long options as the help shows them (--port, --sim[=...], ...);
    # --help is described once, under OPTIONS.
    # Short options too, as "-x," or "-x " at the start of an option line.
    shorts=$(sed -n 's/^  *\(-[a-zA-Z]\)[, ].*/\1/p' "$tmp/chelp" | grep -vx -- -h)
    for opt in $(grep -o -- '--[a-z][a-z-]*' "$tmp/chelp" | sort -u |
                 grep -vx -- --help) $shorts; do
        # Only the command's own section counts.
        sed -n "/^   rollmap $c\$/,/^   rollmap /p" "$tmp/rollmap.txt" |
            grep -q -- "\\(^\\|[^a-z-]\\)$opt\\b" || missing="$missing $c:$opt"
    done
done
[ -z "$missing" ] || fail "rollmap.1 lacks options:$missing"
for code in 0 1 2 3 4; do
    sed -n '/^EXIT STATUS/,/^[A-Z]/p' "$tmp/rollmap.txt" |
        grep -q "^       $code  " || fail "rollmap.1: exit status $code missing"
done

render librollmap.3 >"$tmp/lib.txt"
lib=$(ls "$build"/librollmap.so.*.*.* 2>/dev/null | head -1)
[ -n "$lib" ] || fail "no shared library in $build"
missing=""
for f in $(nm -D --defined-only "$lib" | awk '{ print $3 }'); do
    grep -q "\\b$f()" "$tmp/lib.txt" || missing="$missing $f"
done
[ -z "$missing" ] || fail "librollmap.3 does not name:$missing"

echo "man pages: $(echo "$cmds" | wc -w) commands, every option and export named"
