"""Session metadata: rm_session_meta <-> a plain dict.

The dict has the keys descriptor, calibration, leg, start, notes (the
issue's names), person (format 1.1; "" when not said), calf_length_cm
(format 1.2: the calf measured with a tape, ankle to knee crease, in cm
to the mm; None when not measured) plus start_unix_us (exact) and
format_version. Converting
a file's metadata to a dict and back gives the same bytes: floats are
float32 in the file and round-trip exactly through Python floats, notes
keep undecodable bytes as surrogates (surrogateescape).
"""
import datetime

from ._lib import ffi, lib, text, MAX_CELLS

_DESC_FIELDS = ("cells", "pitch_mm", "cell_area_mm2", "radius_mm",
                "encoder_cpr", "rate_hz")
_LEGS = {"unknown": 0, "left": 1, "right": 2, None: 0}
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def _cstr(arr):
    return ffi.string(arr).decode("utf-8", "surrogateescape")


def to_dict(m):
    """Copy a C rm_session_meta into a dict."""
    d = m.desc
    n = min(int(d.cells), MAX_CELLS)
    desc = {k: getattr(d, k) for k in _DESC_FIELDS}
    desc["firmware"] = _cstr(d.firmware)
    desc["serial"] = _cstr(d.serial)
    us = int(m.start_unix_us)
    return {
        "format_version": int(m.format_version),
        "descriptor": desc,
        "calibration": {
            "scale_n_per_count": [d.scale_n_per_count[i] for i in range(n)],
            "tare_counts": [d.tare_counts[i] for i in range(n)],
        },
        "leg": text(lib.rm_leg_name(m.leg)),
        "start": _EPOCH + datetime.timedelta(microseconds=us),
        "start_unix_us": us,
        "notes": _cstr(m.notes),
        "person": _cstr(m.person),
        "calf_length_cm": (float(m.calf_length_cm)
                           if m.calf_length_cm > 0 else None),
    }


def _put_str(arr, s, size, what):
    raw = s.encode("utf-8", "surrogateescape") if isinstance(s, str) else bytes(s)
    if len(raw) >= size or b"\0" in raw:
        raise ValueError("%s: at most %d bytes, no NUL" % (what, size - 1))
    arr[0:len(raw)] = raw


def _start_us(meta):
    if meta.get("start_unix_us") is not None:
        return int(meta["start_unix_us"])
    start = meta.get("start")
    if start is None:
        return 0
    if isinstance(start, (int, float)):
        return int(start)
    if start.tzinfo is None:
        start = start.replace(tzinfo=datetime.timezone.utc)
    return (start - _EPOCH) // datetime.timedelta(microseconds=1)


def from_dict(meta):
    """A new C rm_session_meta (cffi-owned) filled from a dict as
    to_dict() makes it. Missing calibration entries are scale 1, tare 0."""
    m = ffi.new("rm_session_meta *")
    m.format_version = int(meta.get("format_version", 1))
    desc = meta["descriptor"]
    d = m.desc
    for k in _DESC_FIELDS:
        setattr(d, k, desc[k])
    n = int(desc["cells"])
    if not 1 <= n <= MAX_CELLS:
        raise ValueError("descriptor cells: %d is not 1..%d" % (n, MAX_CELLS))
    cal = meta.get("calibration", {})
    scale = list(cal.get("scale_n_per_count", [1.0] * n))
    tare = list(cal.get("tare_counts", [0] * n))
    if len(scale) != n or len(tare) != n:
        raise ValueError("calibration: need %d scales and tares" % n)
    for i in range(n):
        d.scale_n_per_count[i] = scale[i]
        d.tare_counts[i] = tare[i]
    _put_str(d.firmware, desc.get("firmware", ""), 32, "firmware")
    _put_str(d.serial, desc.get("serial", ""), 32, "serial")
    leg = meta.get("leg", "unknown")
    if leg not in _LEGS:
        raise ValueError("leg: %r is not 'left', 'right' or 'unknown'" % leg)
    m.leg = _LEGS[leg]
    m.start_unix_us = _start_us(meta)
    _put_str(m.notes, meta.get("notes", ""), 1024, "notes")
    _put_str(m.person, meta.get("person", ""), 64, "person")
    m.calf_length_cm = _calf_length(meta.get("calf_length_cm"))
    return m


def _calf_length(cm):
    """None (not measured) or a length the library stores: 15..60 cm,
    rounded to the mm as the file keeps it."""
    if cm is None:
        return 0.0
    cm = round(float(cm), 1)
    if not lib.rm_calf_length_valid(cm) or cm == 0:
        raise ValueError("calf_length_cm: %r is not None or 15..60 cm"
                         % (cm,))
    return cm


def rev_a(**changes):
    """Metadata of the reference rev A board (12 cells, 80 Hz), for
    writing sessions made outside the library."""
    d = ffi.new("rm_session_meta *")
    lib.rm_descriptor_rev_a(ffi.addressof(d.desc))
    d.format_version = 1
    out = to_dict(d)
    out.update(changes)
    return out
