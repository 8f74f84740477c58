"""Session files as numpy arrays: open(), Session, Frames, write().

A session file stores each frame as cells + 3 int32 channels (cells,
encoder, board time, sequence; docs/session-format.md). Session.frames()
reads them with one libsndfile read into one (N, cells + 3) int32 array
and hands out views of its columns, so reading costs what libsndfile's
own read costs.
"""
import os
from typing import NamedTuple

import numpy as np

from . import _meta
from ._lib import ffi, lib, check, check_err, MAX_CELLS, RM_WRITE_OVERWRITE

# rm_frame as numpy sees it (for rm_sim_read, rm_link_read, writer).
FRAME_DTYPE = np.dtype([("seq", "<u4"), ("time_us", "<u4"),
                        ("encoder", "<i4"), ("cells", "<i4", (MAX_CELLS,))])
assert FRAME_DTYPE.itemsize == ffi.sizeof("rm_frame")
_READ_CHUNK = 8192     # frames per library read (~1.1 MB at 35 channels)
_WRITE_BLOCK = 65536   # frames packed per writer call (~9 MB)


class Frames(NamedTuple):
    """A block of frames: cells int32 (N, C), encoder int32 (N,), time_us
    uint32 (N,) (board clock, wraps at 2^32), seq uint32 (N,)."""
    cells: np.ndarray
    encoder: np.ndarray
    time_us: np.ndarray
    seq: np.ndarray
    kind = "frames"

    @property
    def n(self):
        """Number of frames."""
        return len(self.seq)


def _frames_of_raw(raw, c):
    """Views of one (N, c + 3) int32 array in file channel order."""
    u = raw.view(np.uint32)
    return Frames(raw[:, :c], raw[:, c], u[:, c + 1], u[:, c + 2])


def frames_of_records(rec, c):
    """Frames copied out of an rm_frame record array (FRAME_DTYPE)."""
    return Frames(np.ascontiguousarray(rec["cells"][:, :c]),
                  rec["encoder"].copy(), rec["time_us"].copy(),
                  rec["seq"].copy())


def as_frames(frames):
    """Frames from a Frames, a (cells, encoder, time_us, seq) tuple or a
    dict with those keys; checks shapes."""
    if isinstance(frames, dict):
        frames = Frames(*(frames[k] for k in Frames._fields))
    cells, enc, t, seq = frames
    cells = np.asarray(cells)
    if cells.ndim != 2:
        raise ValueError("frames: cells must be 2-D (N, cells)")
    n = cells.shape[0]
    out = Frames(cells, np.asarray(enc), np.asarray(t), np.asarray(seq))
    for name in ("encoder", "time_us", "seq"):
        if getattr(out, name).shape != (n,):
            raise ValueError("frames: %s must have shape (%d,)" % (name, n))
    return out


def board_seconds(time_us):
    """Board clock (uint32 us, wrapping every 71.6 min) as float seconds
    since the first frame, unwrapped."""
    t = np.asarray(time_us, dtype=np.uint32)
    if len(t) == 0:
        return np.zeros(0)
    steps = np.diff(t)                        # uint32: wraps come out right
    us = np.concatenate(([0], np.cumsum(steps, dtype=np.uint64)))
    return us / 1e6


class Session:
    """One session: metadata plus frames, from a file (rollmap.open) or
    from memory (rollmap.sim without a path). Not thread-safe: use one
    Session per thread."""

    def __init__(self, path=None, meta=None, frames=None):
        self.path = None
        self._h = None
        if path is not None:
            self.path = os.fspath(path)
            h = ffi.new("rm_session **")
            err = ffi.new("rm_error *")
            st = lib.rm_session_open(os.fsencode(self.path), h, err)
            check_err(st, err)
            self._h = ffi.gc(h[0], lib.rm_session_close)
            self.meta = _meta.to_dict(lib.rm_session_get_meta(self._h))
            self._frames = None
        else:
            self.meta = meta
            self._frames = as_frames(frames)

    @property
    def cells(self):
        """Cells per frame."""
        return int(self.meta["descriptor"]["cells"])

    @property
    def rate_hz(self):
        """Nominal frame rate."""
        return float(self.meta["descriptor"]["rate_hz"])

    def __len__(self):
        if self.path is None:
            return self._frames.n
        return int(lib.rm_session_frame_count(self._handle()))

    def _handle(self):
        if self._h is None:
            raise ValueError("session is closed")
        return self._h

    def _read(self, cap, restart):
        """Up to cap frames from the file as one (n, c + 3) array."""
        h = self._handle()
        if restart:
            check(lib.rm_session_rewind(h), text_err(h))
        ch = int(lib.rm_session_channels(h))
        raw = np.empty((cap, ch), dtype=np.int32)
        view = ffi.new("rm_frame_view *")
        got = 0
        base = ffi.cast("int32_t *", ffi.from_buffer(raw))
        while got < cap:
            # Cache-sized reads: the library's sequence-gap count then
            # reads frames still in cache, not the whole array again.
            want = min(cap - got, _READ_CHUNK)
            st = lib.rm_session_read_into(h, base + got * ch, want, view)
            check(st, text_err(h))
            if view.n == 0:
                break
            got += view.n
        return raw[:got] if got < cap else raw

    def frames(self):
        """Every frame, as Frames of views into one int32 array laid out
        as the file is (np.ascontiguousarray() a field if you need it
        contiguous)."""
        if self.path is None:
            return self._frames
        self._handle()
        # The header's count, bounded by the file's size: a hostile header
        # must not make us allocate more than the file could hold.
        ch = int(lib.rm_session_channels(self._h))
        n = min(len(self), os.path.getsize(self.path) // (4 * ch) + 1)
        raw = self._read(n, True)
        # A file cut short may hold more frames than its header says.
        more = [raw]
        while True:
            extra = self._read(65536, False)
            if not len(extra):
                break
            more.append(extra)
        if len(more) > 1:
            raw = np.concatenate(more)
        return _frames_of_raw(raw, self.cells)

    def blocks(self, n=65536):
        """Iterate over the frames n at a time (each block its own arrays),
        from the first frame; memory stays bounded."""
        if n < 1:
            raise ValueError("blocks: n must be at least 1")
        if self.path is None:
            f = self._frames
            for i in range(0, f.n, n):
                yield Frames(*(a[i:i + n].copy() for a in f))
            return
        first = True
        while True:
            raw = self._read(n, first)
            first = False
            if not len(raw):
                return
            yield _frames_of_raw(raw, self.cells)

    def forces(self, frames=None, dtype=np.float64):
        """Calibrated force per cell in newtons, (N, C):
        (raw - tare_counts) * scale_n_per_count."""
        f = frames if frames is not None else self.frames()
        cal = self.meta["calibration"]
        tare = np.asarray(cal["tare_counts"], dtype=np.int64)
        scale = np.asarray(cal["scale_n_per_count"], dtype=np.float32)
        return ((f.cells - tare) * scale.astype(np.float64)).astype(dtype)

    def to_pandas(self, forces=False):
        """A pandas DataFrame, one row per frame, indexed by board time
        since the first frame (TimedeltaIndex "time", unwrapped): columns
        cell0..cellC-1 (raw counts, or cell0_n.. in newtons with
        forces=True), encoder, time_us, seq."""
        import pandas as pd
        f = self.frames()
        if forces:
            cols = {"cell%d_n" % i: c for i, c in enumerate(self.forces(f).T)}
        else:
            cols = {"cell%d" % i: f.cells[:, i] for i in range(self.cells)}
        cols.update(encoder=f.encoder, time_us=f.time_us, seq=f.seq)
        us = np.round(board_seconds(f.time_us) * 1e6).astype("int64")
        index = pd.TimedeltaIndex(us.astype("timedelta64[us]"), name="time")
        return pd.DataFrame(cols, index=index)

    @property
    def dropped(self):
        """Frames lost in sequence gaps among those read so far."""
        if self._h is None:
            return 0
        return int(lib.rm_session_dropped(self._h))

    def close(self):
        """Release the file (the Session's arrays stay valid)."""
        if self._h is not None:
            ffi.release(self._h)
            self._h = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        if self.path is not None and self._h is None:
            return "<rollmap.Session %s: closed>" % self.path
        return "<rollmap.Session %s: %d frames, %d cells at %g Hz>" % (
            self.path or "memory", len(self), self.cells, self.rate_hz)


def text_err(h):
    """The session handle's message for the last failure."""
    return ffi.string(lib.rm_session_errmsg(h)).decode("utf-8", "replace")


def open(path):  # noqa: A001 (the issue fixes the name)
    """Open a session file; raises RollmapError (RM_ERR_FORMAT for a file
    that is not a valid session, RM_ERR_IO if it cannot be read)."""
    return Session(path=path)


def write(path, meta, frames, overwrite=False):
    """Write a session file from metadata (dict as Session.meta) and
    frames (Frames, a 4-tuple or a dict). Refuses to replace an existing
    file unless overwrite=True (RollmapError RM_ERR_EXISTS). Reading it
    back gives the same metadata and frames, bit for bit."""
    m = _meta.from_dict(meta)
    f = as_frames(frames)
    c = int(m.desc.cells)
    if f.cells.shape[1] != c:
        raise ValueError("frames have %d cells, the descriptor %d"
                         % (f.cells.shape[1], c))
    h = ffi.new("rm_session_writer **")
    err = ffi.new("rm_error *")
    flags = RM_WRITE_OVERWRITE if overwrite else 0
    check_err(lib.rm_session_writer_new(os.fsencode(os.fspath(path)), m,
                                        flags, h, err), err)
    w = h[0]
    try:
        rec = np.zeros(min(_WRITE_BLOCK, max(f.n, 1)), dtype=FRAME_DTYPE)
        for i in range(0, f.n, _WRITE_BLOCK):
            k = min(_WRITE_BLOCK, f.n - i)
            r = rec[:k]
            r["seq"] = f.seq[i:i + k]
            r["time_us"] = f.time_us[i:i + k]
            r["encoder"] = f.encoder[i:i + k]
            r["cells"][:, :c] = f.cells[i:i + k]
            p = ffi.cast("rm_frame *", ffi.from_buffer(r))
            st = lib.rm_session_writer_append(w, p, k)
            if st:
                check(st, ffi.string(lib.rm_session_writer_errmsg(w)).decode(
                    "utf-8", "replace"))
    except BaseException:
        lib.rm_session_writer_close(w)
        raise
    check(lib.rm_session_writer_close(w))
