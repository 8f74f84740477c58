#!/bin/sh
# make check's sanitizer pass: rebuilds everything with ASan + UBSan in
# BUILD/san and runs every test program and script against it
# (tests/sanitize.mk). $1: the build directory.
[ -n "$ROLLMAP_SANITIZED" ] && exit 0
command -v clang >/dev/null 2>&1 || {
    echo "run-sanitized: clang missing (tools/install-deps installs it)"; exit 1; }
exec make --no-print-directory BUILD="$1" sanitize
