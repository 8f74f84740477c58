#!/bin/sh
# test_layers.sh BUILD: the layering of docs/architecture.md, checked on
# the object files' symbols (nm). Each lib/ module may use its own symbols
# and those of the modules below it in LAYERS, never one above; the CLI
# (host/) and the examples may use only the exported rm_ names (RM_API,
# the shared library's dynamic symbols). Prints every violation as
# "user-object uses SYMBOL from module" and exits 1 if there is any.
#   RM_LAYERS="util wire ..." overrides the order (to show a violation).
set -eu
build=${1:-build}
LAYERS=${RM_LAYERS:-"util wire session engine sim report link pipeline"}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# Objects of the sources in the tree (a stale object of a moved file is
# not part of the library).
objs() {
    for o in "$build"/$1/*.o; do
        src=${o#"$build"/}
        [ -f "${src%.o}.c" ] && echo "$o"
    done
}

rank() { # position of module $1 in LAYERS, or nothing
    i=0; for m in $LAYERS; do i=$((i + 1)); [ "$m" = "$1" ] && { echo $i; return; }; done
}

# Every global symbol defined in lib/, with its module: "symbol module".
for o in $(objs 'lib/*'); do
    mod=$(basename "$(dirname "$o")")
    [ -n "$(rank "$mod")" ] || { echo "FAIL: lib/$mod is in no layer (docs/architecture.md)"; exit 1; }
    nm -g --defined-only "$o" | awk -v m="$mod" 'NF == 3 { print $3, m }'
done | sort -u > "$tmp/defs"
[ -s "$tmp/defs" ] || { echo "FAIL: no objects under $build/lib"; exit 1; }

fail=0
: > "$tmp/bad"
for o in $(objs 'lib/*'); do
    mod=$(basename "$(dirname "$o")")
    r=$(rank "$mod")
    nm -u "$o" | awk '{ print $NF }' | sort -u > "$tmp/undef"
    join "$tmp/undef" "$tmp/defs" | while read -r sym from; do
        [ "$from" = "$mod" ] && continue
        if [ "$(rank "$from")" -gt "$r" ]; then
            echo "lib/$mod/$(basename "$o" .o) uses $sym from lib/$from (above it)"
        fi
    done >> "$tmp/bad"
done

# The CLI and the examples: only what the shared library exports.
so=$(readlink -f "$build/librollmap.so" 2>/dev/null)  # the current build, not a stale older version
[ -n "$so" ] || { echo "FAIL: no shared library in $build"; exit 1; }
nm -D --defined-only "$so" | awk '{ print $NF }' | sort -u > "$tmp/exported"
for o in $(objs host) $(objs examples); do
    nm -u "$o" | awk '{ print $NF }' | sort -u > "$tmp/undef"
    join "$tmp/undef" "$tmp/defs" | while read -r sym from; do
        grep -qx "$sym" "$tmp/exported" ||
            echo "$(basename "$(dirname "$o")")/$(basename "$o" .o) uses the private $sym (lib/$from)"
    done >> "$tmp/bad"
done

if [ -s "$tmp/bad" ]; then
    echo "FAIL: layering (docs/architecture.md):"
    sed 's/^/  /' "$tmp/bad"
    exit 1
fi
echo "layers: ok ($(wc -l < "$tmp/defs") lib symbols, order: $LAYERS)"
