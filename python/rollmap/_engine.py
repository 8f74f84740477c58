"""The engine from Python: report() (the CLI's JSON report as a dict) and
analyse() (the streaming engine's findings as an iterator of events).

analyse() drives the same calls as the CLI's replay: rm_session_read_view
blocks into rm_engine_push_view, findings through the engine's callbacks.
"""
import json
import os
from typing import NamedTuple

import numpy as np

from ._lib import ffi, lib, text, check, check_err, MemoryFile, RM_REPORT_JSON
from . import _meta
from ._session import Session, as_frames


class Pass(NamedTuple):
    """A roll ankle->knee (direction +1) or back (-1); times in session s."""
    start_s: float
    end_s: float
    from_cm: float
    to_cm: float
    direction: int
    line: str
    mean_speed_cm_s: float
    peak_speed_cm_s: float
    kind = "pass"


class Hold(NamedTuple):
    """A hold on one spot (position NaN when not placed yet)."""
    start_s: float
    end_s: float
    duration_s: float
    position_cm: float
    position_frac: float
    line: str
    mean_force_n: float
    peak_force_n: float
    mean_pressure_kpa: float
    peak_pressure_kpa: float
    technique: str
    flexes: int
    kind = "hold"


class Flinch(NamedTuple):
    """A sudden lift-off while in contact."""
    time_s: float
    position_cm: float
    position_frac: float
    line: str
    force_before_n: float
    kind = "flinch"


class Live(NamedTuple):
    """What a live view shows, as of the last frame pushed.
    place_provisional: the calf is not found yet (position NaN or a first
    guess); line_provisional: too little rolling yet to tell how the
    session shows its lines (rm_live.provisional)."""
    time_s: float
    in_contact: bool
    position_cm: float
    position_frac: float
    line: str
    speed_cm_s: float
    force_n: float
    hold_s: float
    cell_n: tuple
    place_provisional: bool = True
    line_provisional: bool = True
    kind = "live"


RM_LIVE_PROV_PLACE = 1
RM_LIVE_PROV_LINE = 2


def _line(v):
    return text(lib.rm_line_name(v))


def pass_event(p):
    return Pass(p.start_s, p.end_s, p.from_cm, p.to_cm, p.direction,
                _line(p.line), p.mean_speed_cm_s, p.peak_speed_cm_s)


def hold_event(h):
    return Hold(h.start_s, h.end_s, h.duration_s, h.position_cm,
                h.position_frac, _line(h.line), h.mean_force_n,
                h.peak_force_n, h.mean_pressure_kpa, h.peak_pressure_kpa,
                text(lib.rm_technique_name(h.technique)), int(h.flexes))


def flinch_event(f):
    return Flinch(f.time_s, f.position_cm, f.position_frac, _line(f.line),
                  f.force_before_n)


def live_event(engine):
    lv = ffi.new("rm_live *")
    lib.rm_engine_live_state(engine, lv)
    return Live(lv.time_s, bool(lv.in_contact), lv.position_cm,
                lv.position_frac, _line(lv.line), lv.speed_cm_s, lv.force_n,
                lv.hold_s, tuple(lv.cell_n[i] for i in range(lv.cells)),
                bool(lv.provisional & RM_LIVE_PROV_PLACE),
                bool(lv.provisional & RM_LIVE_PROV_LINE))


def engine_config(config):
    """An rm_engine_config from keyword arguments (names as in
    rm_engine_config, e.g. hold_min_s=8), or NULL when none are given."""
    if not config:
        return ffi.NULL
    cfg = ffi.new("rm_engine_config *")
    lib.rm_engine_config_default(cfg)
    fields = {name for name, _ in ffi.typeof("rm_engine_config").fields}
    for k, v in config.items():
        if k not in fields:
            raise TypeError("unknown engine setting %r (one of: %s)"
                            % (k, ", ".join(sorted(fields))))
        if k == "leg":
            cfg.leg = _leg_value(v)
        else:
            setattr(cfg, k, float(v))
    return cfg


def _leg_value(v):
    """leg= takes "left", "right" or "unknown" (or the rm_leg number)."""
    if isinstance(v, str):
        if v == "unknown":
            return 0  # RM_LEG_UNKNOWN
        out = ffi.new("rm_leg *")
        if lib.rm_leg_parse(v.encode(), out) != 0:  # RM_OK
            raise ValueError("leg: %r is not left, right or unknown" % v)
        return out[0]
    return int(v)


def config_defaults():
    """The engine's documented defaults, as a dict (docs/engine.md)."""
    cfg = ffi.new("rm_engine_config *")
    lib.rm_engine_config_default(cfg)
    out = {name: getattr(cfg, name)
           for name, _ in ffi.typeof("rm_engine_config").fields}
    out["leg"] = ffi.string(lib.rm_leg_name(cfg.leg)).decode()
    return out


def report(path, **config):
    """The JSON report of a session file as a dict: the same document as
    `rollmap report -f json` (docs/report-schema.md). Keyword arguments
    change engine settings (config_defaults() lists them)."""
    cfg = engine_config(config)
    err = ffi.new("rm_error *")
    out = MemoryFile()
    try:
        st = lib.rm_report_file(os.fsencode(os.fspath(path)), RM_REPORT_JSON,
                                cfg, out.fp, err)
    finally:
        body = out.close()
    check_err(st, err)
    return json.loads(body)


class Callbacks:
    """Engine callbacks that queue events for a generator to yield. The
    cffi callback objects live as long as this object: keep it referenced
    while the engine may call them."""

    def __init__(self):
        self.pending = []
        q = self.pending
        self._cbs = [
            ffi.callback("void(const rm_pass *, void *)",
                         lambda p, u: q.append(pass_event(p))),
            ffi.callback("void(const rm_hold *, void *)",
                         lambda h, u: q.append(hold_event(h))),
            ffi.callback("void(const rm_flinch *, void *)",
                         lambda f, u: q.append(flinch_event(f))),
        ]
        self.c = ffi.new("rm_engine_callbacks *")
        self.c.on_pass, self.c.on_hold, self.c.on_flinch = self._cbs

    def drain(self):
        out = list(self.pending)
        self.pending.clear()
        return out


def new_engine(meta_c, cfg, cbs):
    h = ffi.new("rm_engine **")
    err = ffi.new("rm_error *")
    check_err(lib.rm_engine_new(meta_c, cfg, cbs.c, h, err), err)
    return ffi.gc(h[0], lib.rm_engine_free)


def _engine_msg(e):
    return text(lib.rm_engine_errmsg(e))


def _file_views(path):
    """(meta, iterator of rm_frame_view) for a session file, read in place
    as the CLI's offline path reads it."""
    h = ffi.new("rm_session **")
    err = ffi.new("rm_error *")
    check_err(lib.rm_session_open(os.fsencode(os.fspath(path)), h, err), err)
    s = ffi.gc(h[0], lib.rm_session_close)
    meta = lib.rm_session_get_meta(s)

    def views():
        view = ffi.new("rm_frame_view *")
        while True:
            st = lib.rm_session_read_view(s, 1024, view)
            check(st, text(lib.rm_session_errmsg(s)))
            if view.n == 0:
                return
            yield view
    return s, meta, views()


def _array_views(frames, c, block):
    """rm_frame_views over frames packed in the file's channel order."""
    f = as_frames(frames)
    raw = np.empty((min(block, max(f.n, 1)), c + 3), dtype=np.int32)
    u = raw.view(np.uint32)
    view = ffi.new("rm_frame_view *")
    for i in range(0, f.n, block):
        k = min(block, f.n - i)
        raw[:k, :c] = f.cells[i:i + k]
        raw[:k, c] = f.encoder[i:i + k]
        u[:k, c + 1] = f.time_us[i:i + k]
        u[:k, c + 2] = f.seq[i:i + k]
        base = ffi.cast("int32_t *", ffi.from_buffer(raw))
        view.cells = base
        view.encoder = base + c
        view.time_us = ffi.cast("uint32_t *", base + c + 1)
        view.seq = ffi.cast("uint32_t *", base + c + 2)
        view.cells_n = c
        view.stride_bytes = 4 * (c + 3)
        view.n = k
        yield view


def _sub_view(view, start, k, out):
    """Frames start..start+k of view, into out (same memory)."""
    off = start * view.stride_bytes
    for name, ctype in (("cells", "int32_t *"), ("encoder", "int32_t *"),
                        ("time_us", "uint32_t *"), ("seq", "uint32_t *")):
        setattr(out, name, ffi.cast(ctype, ffi.cast("char *", getattr(view, name)) + off))
    out.cells_n = view.cells_n
    out.stride_bytes = view.stride_bytes
    out.n = k


def analyse(source, meta=None, *, live_every_s=1.0, **config):
    """Run the streaming engine over a session and yield its events as
    they happen: Pass, Hold, Flinch (when each ends) and a Live state
    every live_every_s of session time (0: none). source is a path, a
    Session, or frames (Frames / 4-tuple / dict; then meta is needed).
    Keyword arguments change engine settings. Positions in streamed
    events use the alignment known at that time; report() is final."""
    keep = None          # the session handle, alive while we iterate
    if isinstance(source, (str, bytes, os.PathLike)):
        keep, meta_c, views = _file_views(source)
    elif isinstance(source, Session) and source.path is not None:
        keep, meta_c, views = _file_views(source.path)
    else:
        if isinstance(source, Session):
            meta, source = source.meta, source.frames()
        if meta is None:
            raise TypeError("analyse: frames need meta= (a Session.meta dict)")
        meta_c = _meta.from_dict(meta)
        views = _array_views(source, int(meta_c.desc.cells), 1024)
    cbs = Callbacks()
    engine = new_engine(meta_c, engine_config(config), cbs)
    rate = float(meta_c.desc.rate_hz)
    every = max(1, int(round(rate * live_every_s))) if live_every_s else 0
    since_live = 0
    sub = ffi.new("rm_frame_view *")
    for view in views:
        done = 0
        while done < view.n:
            # Push up to the next live boundary so the state is on time.
            k = view.n - done
            if every:
                k = min(k, every - since_live)
            _sub_view(view, done, k, sub)
            check(lib.rm_engine_push_view(engine, sub), _engine_msg(engine))
            yield from cbs.drain()
            done += k
            since_live += k
            if every and since_live >= every:
                since_live = 0
                yield live_event(engine)
    check(lib.rm_engine_finish(engine), _engine_msg(engine))
    yield from cbs.drain()
    del keep
