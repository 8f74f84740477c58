"""Loads librollmap through cffi's ABI mode (dlopen; nothing is compiled).

Which library: $ROLLMAP_LIB if set (a path), else the build tree's when
this copy of the package came from `make python` (_buildlib.py names it),
else the installed one by its SONAME (librollmap.so.1) on the loader's
usual path.
"""
import os

from cffi import FFI

from ._errors import RollmapError

ffi = FFI()
with open(os.path.join(os.path.dirname(__file__), "_cdef.h")) as _f:
    ffi.cdef(_f.read())
# libc's memory streams let the library's FILE * writers (report, sim
# truth) write into memory instead of a temporary file.
ffi.cdef("""
FILE *open_memstream(char **ptr, size_t *sizeloc);
int fclose(FILE *f);
void free(void *p);
""")

SONAME = "librollmap.so.1"


def _library_path():
    env = os.environ.get("ROLLMAP_LIB")
    if env:
        return env
    try:
        from ._buildlib import LIB  # written by `make python`
        if os.path.exists(LIB):
            return LIB
    except ImportError:
        pass
    return SONAME


def _load():
    path = _library_path()
    try:
        return ffi.dlopen(path), path
    except OSError as e:
        raise ImportError(
            "rollmap: cannot load librollmap (%s): %s; build it with `make`"
            " and set ROLLMAP_LIB=build/librollmap.so.1, or `make install`"
            % (path, e)) from None


lib, LIBRARY_PATH = _load()
libc = ffi.dlopen(None)

RM_OK = 0
RM_ERR_EXISTS = -8
RM_REPORT_JSON = 1
RM_WRITE_OVERWRITE = 1
MAX_CELLS = 32


def text(cstr):
    """A C string from the library as str ('' for NULL)."""
    return "" if cstr == ffi.NULL else ffi.string(cstr).decode("utf-8", "replace")


def check(status, message=None):
    """Raise RollmapError for a failed call; the message is the library's."""
    if status != RM_OK:
        raise RollmapError(status, message or text(lib.rm_strerror(status)))


def check_err(status, err):
    """As check(), with the message a constructor left in an rm_error."""
    if status != RM_OK:
        msg = ffi.string(err.msg).decode("utf-8", "replace")
        raise RollmapError(status, msg or text(lib.rm_strerror(status)))


class MemoryFile:
    """A FILE * whose bytes end up in memory (open_memstream)."""

    def __init__(self):
        self._buf = ffi.new("char **")
        self._size = ffi.new("size_t *")
        self.fp = libc.open_memstream(self._buf, self._size)
        if self.fp == ffi.NULL:
            raise MemoryError("open_memstream failed")

    def close(self):
        """Close the stream and return everything written to it."""
        if self.fp is None:
            return b""
        libc.fclose(self.fp)
        self.fp = None
        try:
            return ffi.buffer(self._buf[0], self._size[0])[:]
        finally:
            libc.free(self._buf[0])

    def __del__(self):
        self.close()
