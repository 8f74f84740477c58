#!/bin/sh
# make check's entry to the Python package's tests: pytest (Debian's
# python3-pytest under /usr/bin/python3) against the build tree's package
# ($1/python, from `make python`) and CLI ($ROLLMAP). No cache or
# bytecode is written into the source tree.
set -u
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
[ -f "$build/python/rollmap/_buildlib.py" ] ||
    { echo "run-tests: $build/python missing: run 'make python'" >&2; exit 1; }
PYTHONPATH=$(cd "$build/python" && pwd)
ROLLMAP=${ROLLMAP:-$(cd "$build" && pwd)/rollmap}
PYTHONDONTWRITEBYTECODE=1
export PYTHONPATH ROLLMAP PYTHONDONTWRITEBYTECODE
exec /usr/bin/python3 -m pytest -q -p no:cacheprovider "$here/tests"
