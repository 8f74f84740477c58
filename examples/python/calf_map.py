#!/usr/bin/python3
"""Plot one session's calf map to a PNG: the typical peak-cell pressure
along the calf (ankle -> knee) on each of the three lines, from the same
report `rollmap report -f json` writes, with the holds and candidate
trigger points marked.

    calf_map.py calf.wav -o calf.png
"""
import argparse
import sys

import matplotlib
matplotlib.use("Agg")                 # files only: no display needed
import matplotlib.pyplot as plt       # noqa: E402
import numpy as np                    # noqa: E402

import rollmap                        # noqa: E402

LINES = ("medial", "middle", "lateral")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("session")
    ap.add_argument("-o", "--output", required=True, help="PNG to write")
    a = ap.parse_args()
    try:
        rep = rollmap.report(a.session)
    except rollmap.RollmapError as e:
        print("calf_map: %s" % e, file=sys.stderr)
        return 3 if e.status_name == "RM_ERR_FORMAT" else 1
    m = rep.get("map")
    if not m:
        print("calf_map: %s: no calf map (the calf was not found)"
              % a.session, file=sys.stderr)
        return 1
    # Rows: lines; NaN (not rolled) shows as blank.
    grid = np.array([[np.nan if v is None else v for v in (m[ln] or
                      [None] * m["bins"])] for ln in LINES], dtype=float)
    fig, ax = plt.subplots(figsize=(8, 3))
    im = ax.imshow(grid, aspect="auto", cmap="magma", origin="upper",
                   extent=(0, 1, len(LINES) - 0.5, -0.5))
    fig.colorbar(im, ax=ax, label="peak-cell pressure (kPa)")
    for h in rep["holds"]:
        if h["line"] in LINES and h["position_frac"] is not None:
            ax.plot(h["position_frac"], LINES.index(h["line"]), "o",
                    mfc="none", mec="cyan", ms=10)
    for p in rep["peaks"]:
        if p["line"] in LINES:
            ax.plot(p["position_frac"], LINES.index(p["line"]), "x",
                    color="white", ms=8)
    ax.set_yticks(range(len(LINES)), LINES)
    ax.set_xlabel("ankle -> knee (fraction of calf length)")
    s = rep["session"]
    ax.set_title("%s calf, %s: %.0f s (o holds, x trigger points)"
                 % (s["leg"], s["start_utc"], s["duration_s"]))
    fig.tight_layout()
    fig.savefig(a.output, dpi=100)
    return 0


if __name__ == "__main__":
    sys.exit(main())
