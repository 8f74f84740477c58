#!/usr/bin/python3
"""Where the engine's peaks (candidate tender spots) sit on the two map
panels of an SVG report: for each peak, the percentile of the panel's
value at its place (the highest of its bin and the two beside it) among
all values of its line. Prints one JSON object:
{"tenderness": [percentiles], "pressure": [...], "max_tenderness": f}.
  tenderness.py REPORT.svg
"""
import json
import sys
import xml.etree.ElementTree as E

NS = "{http://www.w3.org/2000/svg}"


def panel(root, pid):
    for s in root.iter(NS + "svg"):
        if s.get("id") == pid:
            return s
    raise SystemExit("no panel " + pid)


def ranks(p):
    rows = {}
    for g in p.iter(NS + "g"):
        if g.get("class") == "map-row":
            rows[g.get("data-line")] = [
                (float(r.get("x")), float(r.get("width")),
                 float(r.get("data-v")) if r.get("data-v") else None)
                for r in g.iter(NS + "rect")]
    out = []
    for g in p.iter(NS + "g"):
        if g.get("class") != "peak":
            continue
        x = float(g.get("data-x"))
        row = rows[g.get("data-line")]
        vals = [v for _, _, v in row if v is not None]
        i = min(range(len(row)), key=lambda k: abs(row[k][0] + row[k][1] / 2 - x))
        near = [row[j][2] for j in range(max(0, i - 1), min(len(row), i + 2))
                if row[j][2] is not None]
        if near and vals:
            out.append(sum(1 for u in vals if u <= max(near)) / len(vals))
    allv = [v for r in rows.values() for _, _, v in r if v is not None]
    return out, (max(allv) if allv else None)


root = E.parse(sys.argv[1]).getroot()
t, tmax = ranks(panel(root, "panel-tenderness"))
p, _ = ranks(panel(root, "panel-pressure"))
print(json.dumps({"tenderness": t, "pressure": p, "max_tenderness": tmax}))
