"""The simulator and live recording: sim() and record().

record() is the CLI's `rollmap record` loop (link -> recorder: session
writer plus engine) as an iterator: it yields each block of frames and
the engine's events and live state as they arrive.
"""
import datetime
import json
import os
import time

import numpy as np

from . import _meta
from ._engine import Callbacks, engine_config, live_event
from ._lib import ffi, lib, text, check, check_err, MemoryFile, RM_OK, \
    RM_WRITE_OVERWRITE
from ._session import (FRAME_DTYPE, Session, frames_of_records, open as
                       open_session, board_seconds)

_LEGS = {None: 0, "unknown": 0, "left": 1, "right": 2}
_BLOCK = 4096


def _names(names):
    out, i = [], 0
    while names[i] != ffi.NULL:
        out.append(text(names[i]))
        i += 1
    return out


def scenarios():
    """Names of the simulator's built-in scenarios."""
    return _names(lib.rm_sim_scenarios())


def physics_variants():
    """Names the simulator's physics= option takes (docs/simulator.md)."""
    return _names(lib.rm_sim_physics_list())


def _sim_options(seed, duration_s, leg, physics, person=None, day=0,
                 measured_length=False):
    """rm_sim_options, and what must stay alive while they are used."""
    o = ffi.new("rm_sim_options *")
    o.seed = seed
    o.duration_s = duration_s or 0.0
    if leg not in _LEGS:
        raise ValueError("leg: %r is not 'left' or 'right'" % (leg,))
    o.leg = _LEGS[leg]
    keep = [ffi.new("char[]", physics.encode()) if physics else ffi.NULL]
    o.physics = keep[0]
    if person:
        keep.append(ffi.new("char[]", person.encode()))
        o.person = keep[-1]
    if not 0 <= day <= 3650:
        raise ValueError("day: %r is outside 0..3650" % (day,))
    o.day = day
    o.measured_length = 1 if measured_length else 0
    return o, keep


def sim(scenario="basic", seed=1, *, duration_s=None, duration=None,
        leg=None, physics=None, person=None, day=0, path=None,
        overwrite=False, measured_length=False):
    """Simulate a session (as `rollmap sim`): returns (Session, truth
    dict). With path the session is written there (the same file
    `rollmap sim` writes) and opened; without, it is kept in memory.
    duration (or duration_s) in s; leg 'left'/'right' (default: from the
    seed); physics: a variant of physics_variants(), comma-separated
    names or "random" (default: the original model); person (an id) and
    day: that person's session on that day (the calf and spots from the
    id, spots fading, staying or appearing by day; "One person over
    days"); measured_length: the session carries the calf's length as a
    tape measures it (the truth's within +-0.5 cm, meta
    "calf_length_cm"; `rollmap sim --measured-length`). Truth format:
    docs/simulator.md."""
    o, keep = _sim_options(seed, duration_s if duration_s is not None
                           else duration, leg, physics, person, day,
                           measured_length)
    h = ffi.new("rm_sim **")
    err = ffi.new("rm_error *")
    check_err(lib.rm_sim_new(scenario.encode(), o, h, err), err)
    del keep                                # rm_sim_new copied the options
    s = ffi.gc(h[0], lib.rm_sim_free)
    out = MemoryFile()
    try:
        st = lib.rm_sim_write_truth(s, out.fp)
    finally:
        body = out.close()
    check(st, text(lib.rm_sim_errmsg(s)))
    truth = json.loads(body)
    m = lib.rm_sim_get_meta(s)
    c = int(m.desc.cells)
    if path is not None:
        _sim_to_file(s, m, path, overwrite)
        return open_session(path), truth
    blocks = []
    for rec in _sim_blocks(s):
        blocks.append(rec.copy())
    rec = np.concatenate(blocks) if blocks else np.zeros(0, FRAME_DTYPE)
    return Session(meta=_meta.to_dict(m), frames=frames_of_records(rec, c)), truth


def _sim_blocks(s):
    buf = np.zeros(_BLOCK, dtype=FRAME_DTYPE)
    p = ffi.cast("rm_frame *", ffi.from_buffer(buf))
    got = ffi.new("size_t *")
    while True:
        check(lib.rm_sim_read(s, p, _BLOCK, got), text(lib.rm_sim_errmsg(s)))
        if got[0] == 0:
            return
        yield buf[:got[0]]


def _sim_to_file(s, m, path, overwrite):
    h = ffi.new("rm_session_writer **")
    err = ffi.new("rm_error *")
    flags = RM_WRITE_OVERWRITE if overwrite else 0
    check_err(lib.rm_session_writer_new(os.fsencode(os.fspath(path)), m,
                                        flags, h, err), err)
    w = h[0]
    try:
        for rec in _sim_blocks(s):
            st = lib.rm_session_writer_append(
                w, ffi.cast("rm_frame *", ffi.from_buffer(rec)), len(rec))
            check(st, text(lib.rm_session_writer_errmsg(w)))
    except BaseException:
        lib.rm_session_writer_close(w)
        raise
    check(lib.rm_session_writer_close(w))


def default_path():
    """The CLI's default output name: rollmap-YYYYmmdd-HHMMSS.wav."""
    return time.strftime("rollmap-%Y%m%d-%H%M%S.wav")


class Recording:
    """A recording in progress: iterate over it for Frames blocks, Pass /
    Hold / Flinch events and Live states. It stops (board told to stop,
    file finished and closed) at the end of duration, when the board
    ends the stream, on close() (also by `with` or when the loop that
    holds the only reference breaks) and on Ctrl-C inside the iteration,
    which ends it like the end of the stream. stopped says why.
    """
    READ_FRAMES = 256
    READ_WAIT_MS = 50

    def __init__(self, port=None, sim=None, path=None, duration=None, *,
                 seed=1, speed=1.0, realtime=True, leg=None, physics=None,
                 notes="",
                 overwrite=False, baud=115200, boot_wait_ms=0, live=True,
                 **config):
        if port is not None and sim is not None:
            raise ValueError("record: port and sim exclude each other")
        self.path = os.fspath(path) if path is not None else default_path()
        self.duration = duration
        self.stopped = None
        self.frames_written = 0
        self._live = live
        self._link = self._rec = None
        self._queue = []
        self._first_t = None
        self._cfg = engine_config(config)
        if not overwrite and os.path.exists(self.path):
            raise FileExistsError("%s: already exists (overwrite=True to "
                                  "replace it)" % self.path)
        t, self._physics = self._open_transport(port, sim, seed, speed,
                                             realtime, leg, physics,
                                             duration, baud)
        lo = ffi.new("rm_link_options *")
        lo.boot_wait_ms = int(boot_wait_ms)
        h = ffi.new("rm_link **")
        err = ffi.new("rm_error *")
        check_err(lib.rm_link_open(t, lo, h, err), err)   # owns t now
        self._link = h[0]
        try:
            self._start(leg, notes, overwrite)
        except BaseException:
            self.close()
            raise

    @staticmethod
    def _open_transport(port, sim, seed, speed, realtime, leg, physics,
                        duration, baud):
        h = ffi.new("rm_transport **")
        err = ffi.new("rm_error *")
        keep = None        # the physics string, kept while the board lives
        if sim is not None:
            vo = ffi.new("rm_vboard_options *")
            so, keep = _sim_options(seed, duration, leg, physics)
            vo.sim = so[0]
            vo.speed = speed
            vo.no_realtime = 0 if realtime else 1
            st = lib.rm_transport_open_sim(sim.encode(), vo, h, err)
        else:
            p = os.fsencode(port) if port is not None else ffi.NULL
            st = lib.rm_transport_open_serial(p, baud, h, err)
            # libserialport lists only ports with a sysfs entry (not ptys).
            if st == -7 and port is not None and os.path.exists(port):
                err = ffi.new("rm_error *")
                st = lib.rm_transport_open_tty(p, baud, h, err)
        check_err(st, err)
        return h[0], keep

    def _start(self, leg, notes, overwrite):
        meta = ffi.new("rm_session_meta *")
        meta.format_version = 1
        meta.desc = lib.rm_link_descriptor(self._link)[0]
        meta.leg = _LEGS[leg]
        now = datetime.datetime.now(datetime.timezone.utc)
        meta.start_unix_us = int(now.timestamp() * 1e6)
        raw = notes.encode("utf-8")
        if len(raw) >= 1024:
            raise ValueError("notes: at most 1023 bytes")
        meta.notes[0:len(raw)] = raw
        self.meta = _meta.to_dict(meta)
        self._cbs = Callbacks()
        ro = ffi.new("rm_recorder_options *")
        ro.write_flags = RM_WRITE_OVERWRITE if overwrite else 0
        ro.engine_cfg = self._cfg
        ro.engine_cb = self._cbs.c
        h = ffi.new("rm_recorder **")
        err = ffi.new("rm_error *")
        check_err(lib.rm_recorder_new(os.fsencode(self.path), meta, ro, h,
                                      err), err)
        self._rec = h[0]
        check(lib.rm_link_start(self._link), text(lib.rm_link_errmsg(self._link)))
        self._cells = int(meta.desc.cells)
        self._buf = np.zeros(self.READ_FRAMES, dtype=FRAME_DTYPE)
        self._p = ffi.cast("rm_frame *", ffi.from_buffer(self._buf))
        self._got = ffi.new("size_t *")

    def __iter__(self):
        return self

    def __next__(self):
        try:
            while not self._queue:
                if self._rec is None:
                    raise StopIteration
                self._step()
        except KeyboardInterrupt:
            self._finish("interrupted")
            raise StopIteration from None
        except BaseException:
            # Whatever went wrong, the board stops and the file is finished.
            try:
                self._finish(self.stopped or "failed")
            except Exception:
                pass
            raise
        return self._queue.pop(0)

    def _keep(self, rec):
        """How many of these frames fall inside duration (board time)."""
        if self.duration is None or not len(rec):
            return len(rec)
        t = rec["time_us"]
        if self._first_t is None:
            self._first_t = (int(t[0]), 0.0)
        t0, base = self._first_t
        # Board time since the first frame, unwrapped across blocks.
        s = base + board_seconds(np.concatenate(([t0], t)))[1:]
        self._first_t = (int(t[-1]), s[-1])
        inside = np.nonzero(s >= self.duration)[0]
        return int(inside[0]) if len(inside) else len(rec)

    def _step(self):
        st = lib.rm_link_read(self._link, self._p, self.READ_FRAMES,
                              self._got, self.READ_WAIT_MS)
        got = self._got[0]
        if got:
            rec = self._buf[:got]
            keep = self._keep(rec)
            if keep:
                pst = lib.rm_recorder_push(self._rec, self._p, keep)
                if pst != RM_OK:
                    msg = text(lib.rm_recorder_errmsg(self._rec))
                    self._finish("write failed")
                    check(pst, msg)
                self.frames_written += keep
                self._queue.append(frames_of_records(rec[:keep], self._cells))
                self._queue.extend(self._cbs.drain())
                eng = lib.rm_recorder_engine(self._rec)
                if self._live and eng != ffi.NULL:
                    self._queue.append(live_event(eng))
            if keep < got:
                self._finish("duration reached")
                return
        if st != RM_OK:
            msg = text(lib.rm_link_errmsg(self._link))
            self._finish("board failed", stop_board=False)
            check(st, msg)
        elif not got and lib.rm_link_ended(self._link):
            self._finish("end of stream", stop_board=False)

    def _finish(self, why, stop_board=True):
        if self._rec is None:
            return
        self.stopped = why
        if stop_board and self._link is not None:
            lib.rm_link_stop(self._link)
        st = lib.rm_recorder_finish(self._rec)
        msg = text(lib.rm_recorder_errmsg(self._rec))
        self._queue.extend(self._cbs.drain())
        lib.rm_recorder_free(self._rec)
        self._rec = None
        lib.rm_link_close(self._link)
        self._link = None
        check(st, msg)

    def close(self):
        """Stop recording and finish the file (idempotent)."""
        if self._rec is not None:
            self._finish(self.stopped or "closed")
        if self._link is not None:
            lib.rm_link_close(self._link)
            self._link = None

    def session(self):
        """Open the recorded file (after the recording has stopped)."""
        return open_session(self.path)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass


def record(port=None, sim=None, path=None, duration=None, **options):
    """Record from a board (port: a serial port or pty path; None: the one
    board found by USB id) or the virtual board (sim: a scenario name)
    into the session file path (default rollmap-YYYYmmdd-HHMMSS.wav),
    for duration s of board time (None: until stopped). Returns a
    Recording: iterate over it. Options: seed, speed, realtime (False:
    the virtual board sends as fast as it can), physics (virtual board),
    leg, notes, overwrite,
    baud, boot_wait_ms, live, and engine settings."""
    return Recording(port, sim, path, duration, **options)
