#!/bin/sh
# make check's fuzz smoke: every libFuzzer target for 10 s with a fixed
# seed (tests/fuzz.mk, fuzz-smoke). Runs in CI (CI=true) or when
# ROLLMAP_FUZZ_SMOKE=1; a developer's make check skips it to stay quick.
# $1: the build directory.
if [ "$CI" != "true" ] && [ "$ROLLMAP_FUZZ_SMOKE" != "1" ]; then
    echo "fuzz smoke: skipped (set ROLLMAP_FUZZ_SMOKE=1, or CI=true)"
    exit 0
fi
[ -n "$ROLLMAP_SANITIZED" ] && exit 0
exec make --no-print-directory BUILD="$1" fuzz-smoke
