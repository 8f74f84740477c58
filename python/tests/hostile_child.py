"""Runs every file named on the command line through open, frames,
blocks, report and analyse; any exception but RollmapError is a bug
(exit 1), and a crash shows as a signal in the parent. Prints one line
per file: accepted or the status it was refused with."""
import sys

import rollmap


def exercise(path):
    out = []
    try:
        s = rollmap.open(path)
        f = s.frames()
        assert f.cells.shape[1] == s.cells
        sum(b.n for b in s.blocks(777))
        s.forces(f)
        out.append("open ok %d" % f.n)
    except rollmap.RollmapError as e:
        out.append("open %s" % e.status_name)
    try:
        r = rollmap.report(path)
        assert isinstance(r, dict)
        out.append("report ok")
    except rollmap.RollmapError as e:
        out.append("report %s" % e.status_name)
    try:
        n = sum(1 for _ in rollmap.analyse(path, live_every_s=0.5))
        out.append("analyse ok %d" % n)
    except rollmap.RollmapError as e:
        out.append("analyse %s" % e.status_name)
    return out


bad = 0
for p in sys.argv[1:]:
    try:
        print(p, "|", "; ".join(exercise(p)))
    except Exception as e:          # not RollmapError: a binding bug
        print(p, "| UNEXPECTED", type(e).__name__, e)
        bad += 1
sys.exit(1 if bad else 0)
