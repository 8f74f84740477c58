#!/usr/bin/python3
"""Load the holds of many sessions into one pandas table: one row per
hold, with the session it came from, then print a summary per line and
technique (or write the table as CSV with -o).

    holds_table.py sessions/*.wav [-o holds.csv]
"""
import argparse
import sys

import pandas as pd

import rollmap


def holds_frame(paths):
    rows = []
    for path in paths:
        rep = rollmap.report(path)
        s = rep["session"]
        for h in rep["holds"]:
            rows.append({"session": path, "start_utc": s["start_utc"],
                         "leg": s["leg"], **h})
    table = pd.DataFrame(rows)
    if len(table):
        table["start_utc"] = pd.to_datetime(table["start_utc"])
    return table


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sessions", nargs="+")
    ap.add_argument("-o", "--output", help="write the table as CSV here")
    a = ap.parse_args()
    try:
        table = holds_frame(a.sessions)
    except rollmap.RollmapError as e:
        print("holds_table: %s" % e, file=sys.stderr)
        return 3 if e.status_name == "RM_ERR_FORMAT" else 1
    if a.output:
        table.to_csv(a.output, index=False)
    if not len(table):
        print("no holds in %d sessions" % len(a.sessions))
        return 0
    print(table.groupby(["line", "technique"])["duration_s"]
          .agg(["count", "mean", "max"]).round(1).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
