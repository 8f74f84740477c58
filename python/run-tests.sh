#!/bin/sh
# make check's entry to the Python package's tests: pytest (Debian's
# python3-pytest under /usr/bin/python3) against the build tree's package
# ($1/python, from `make python`) and CLI ($ROLLMAP). No cache or
# bytecode is written into the source tree.
#
# In the sanitized pass (ROLLMAP_SANITIZED, tests/sanitize.mk) the library
# is built with ASan, which must be the first runtime in the process:
# Python is not instrumented, so the runtime is preloaded (and Python's
# own never-freed allocations are not reported as leaks). The CLI, which
# links its own copy of the runtime, is run without the preload
# (conftest.py strips RM_PY_PRELOAD's value from its environment).
set -u
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
[ -f "$build/python/rollmap/_buildlib.py" ] ||
    { echo "run-tests: $build/python missing: run 'make python'" >&2; exit 1; }
PYTHONPATH=$(cd "$build/python" && pwd)
ROLLMAP=${ROLLMAP:-$(cd "$build" && pwd)/rollmap}
PYTHONDONTWRITEBYTECODE=1
export PYTHONPATH ROLLMAP PYTHONDONTWRITEBYTECODE
if [ -n "${ROLLMAP_SANITIZED:-}" ]; then
    rt=$(clang -print-file-name=libclang_rt.asan-x86_64.so)
    [ -f "$rt" ] || { echo "run-tests: no ASan runtime ($rt)" >&2; exit 1; }
    RM_PY_PRELOAD=$rt
    LD_PRELOAD=$rt
    ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1}:detect_leaks=0
    export RM_PY_PRELOAD LD_PRELOAD ASAN_OPTIONS
fi
exec /usr/bin/python3 -m pytest -q -p no:cacheprovider "$here/tests"
