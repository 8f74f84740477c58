"""rollmap: pressure-mapping foam roller sessions from Python.

Binds librollmap (docs/python.md):

    s = rollmap.open("calf.wav")        # Session: .meta, .frames(), ...
    r = rollmap.report("calf.wav")      # dict, as `rollmap report -f json`
    for ev in rollmap.analyse("calf.wav"): ...   # Pass, Hold, Flinch, Live
    rollmap.write("copy.wav", s.meta, s.frames())
    s, truth = rollmap.sim("basic", seed=7)
    for ev in rollmap.record(sim="short", path="try.wav"): ...
"""
from ._errors import RollmapError, STATUS_NAMES
from ._lib import LIBRARY_PATH, lib as _lib, text as _text
from ._session import Session, Frames, open, write, board_seconds
from ._meta import rev_a
from ._engine import (report, analyse, config_defaults, Pass, Hold, Flinch,
                      Live)
from ._sim import sim, record, scenarios, physics_variants, Recording

__version__ = "0.1.0"


def library_version():
    """librollmap's run-time version string."""
    return _text(_lib.rm_version_string())


# Not "open": a star import must not hide the built-in open().
__all__ = ["report", "analyse", "write", "sim", "record", "Session",
           "Frames", "Pass", "Hold", "Flinch", "Live", "Recording",
           "RollmapError", "STATUS_NAMES", "rev_a", "scenarios", "physics_variants",
           "config_defaults", "board_seconds", "library_version",
           "LIBRARY_PATH"]
