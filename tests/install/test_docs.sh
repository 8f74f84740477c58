#!/bin/sh
# The API reference builds: doxygen (docs/Doxyfile, as `make docs` runs
# it) succeeds on rollmap.h with docs/api.md as the front page, every
# function the shared library exports has an entry, every function, type
# and macro of the header has a doc comment, and the tour's links to its
# own sections resolve.
# Usage: tests/install/test_docs.sh BUILD
set -u
build=${1:?usage: $0 BUILD}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$(cd "$build" && pwd)
tmp=$(mktemp -d /tmp/rm-docs.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

command -v doxygen >/dev/null || fail "doxygen is missing (make deps installs it)"
version=$(sed -n 's/^#define RM_VERSION_STRING "\(.*\)"$/\1/p' \
          "$build/include/rollmap_version.h")
(cd "$top" && RM_DOCS_OUT=$tmp RM_DOCS_VERSION=$version \
    RM_DOCS_VERSION_H=$build/include/rollmap_version.h \
    RM_DOCS_EXTRACT_ALL=YES doxygen docs/Doxyfile) >"$tmp/log" 2>&1 ||
    fail "doxygen failed: $(tail -5 "$tmp/log")"
html=$tmp/html
[ -f "$html/index.html" ] || fail "no index.html"
grep -q "a tour for developers" "$html/index.html" ||
    fail "the front page is not docs/api.md"
grep -q "$version" "$html/index.html" ||
    fail "the reference does not show version $version"
if grep -q "api.md" "$tmp/warnings.txt"; then
    fail "docs/api.md: $(grep "api.md" "$tmp/warnings.txt" | head -3)"
fi

lib=$(ls "$build"/librollmap.so.*.*.* 2>/dev/null | head -1)
[ -n "$lib" ] || fail "no shared library in $build"
missing=""
for f in $(nm -D --defined-only "$lib" | awk '{ print $3 }'); do
    # Each function's own section: <h2 class="memtitle">...rm_x()</h2>
    grep -q "[> ]$f()</h2>" "$html/rollmap_8h.html" || missing="$missing $f"
done
[ -z "$missing" ] || fail "not in the reference:$missing"

# Every function, type, enumeration and macro of the header has a doc
# comment, and a function that documents some parameters documents all
# (the header is the reference). Struct members declared several to a
# line (double start_s, end_s;) share one comment, which doxygen gives to
# the last only: those are not counted.
grep "parameter.* of .* not documented" "$tmp/warnings.txt" >"$tmp/bad" &&
    fail "rollmap.h: incomplete @param lists: $(cut -d: -f2- "$tmp/bad" | head -5)"
mkdir "$tmp/lint"
(cd "$top" && RM_DOCS_OUT=$tmp/lint RM_DOCS_VERSION=$version \
    RM_DOCS_VERSION_H=$build/include/rollmap_version.h \
    RM_DOCS_EXTRACT_ALL=NO doxygen docs/Doxyfile) >"$tmp/log" 2>&1 ||
    fail "doxygen (lint) failed: $(tail -5 "$tmp/log")"
grep "rollmap.h:.*(\(function\|typedef\|enumeration\|macro definition\)) of file rollmap.h is not documented" \
    "$tmp/lint/warnings.txt" >"$tmp/bad" &&
    fail "rollmap.h: no doc comment for: $(sed 's/.*Member \([^ (]*\).*/\1/' "$tmp/bad" | tr '\n' ' ')"

# The tour links to its sections as #name: each needs its anchor.
for a in $(grep -o '](#[a-z-]*)' "$top/docs/api.md" | sed 's/](#\(.*\))/\1/' | sort -u); do
    grep -q "id=\"$a\"" "$html/index.html" || fail "api.md: no anchor '$a'"
done

echo "docs: reference builds ($(grep -c 'warning:' "$tmp/warnings.txt") doxygen warnings), every export listed"
