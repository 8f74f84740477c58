#!/usr/bin/python3
"""Judge measure.py's findings for one HTML report at one width.

  check_layout.py MEASURE.json WIDTH [--print] [--trend]

Fails (exit 1, one line per problem) when an element overflows its box
or the viewport, text is drawn under 11 px, an enum identifier
(pin_and_stretch) is visible, the wrong map layout shows, a peak marker
lies outside the zone drawn for its zone, an empty section is shown, or
a guidance item contradicts the tables. Each guidance rule (data-code)
has its own check below; a rule without one fails, so a new rule cannot
slip in unchecked. --trend judges a `rollmap trend -f html` page: the
same box, text-size and identifier rules; one chart per spot at each
width (wide, or compact under 640 px), a map per session, no report
sections.
"""
import json
import re
import sys

problems = []


def bad(msg):
    problems.append(msg)


def num(text):
    m = re.search(r"-?\d+(?:\.\d+)?", text)
    return float(m.group(0)) if m else None


def rows(r, section):
    """Table rows of a section, header rows (no cells with text) dropped."""
    return [row for row in r["tables"].get(section, []) if row]


def kv(r, key):
    for row in rows(r, "session"):
        if row and row[0] == key:
            return row[1]
    return ""


def holds(r):
    out = []
    for row in rows(r, "holds")[1:]:
        # H#, start, duration, band, position, %, line, mean F, peak F,
        # mean p, peak p, technique
        out.append({"dur": num(row[2]), "band": row[3], "pos": num(row[4]),
                    "mean_force": num(row[7])})
    return out


def check_guidance(r):
    hs = holds(r)
    for g in r["guidance"]:
        code, text = g["code"], g["text"]
        n = num(re.sub(r"^\S+\s+", "", text))  # the first number after the level
        if code == "hold_ok":
            k = sum(1 for h in hs if h["band"] == "as advised")
            if n != k:
                bad("%s says %s, the holds table has %d as advised" % (code, n, k))
        elif code == "hold_short":
            k = sum(1 for h in hs if h["band"] == "shorter than advised")
            if n != k:
                bad("%s says %s, the table has %d shorter" % (code, n, k))
        elif code == "hold_long":
            k = sum(1 for h in hs if h["band"] == "longer than advised")
            if n != k:
                bad("%s says %s, the table has %d longer" % (code, n, k))
        elif code == "hold_heavy":
            limit = float(re.search(r"more than (\d+) N", text).group(1))
            k = sum(1 for h in hs if h["mean_force"] is not None and
                    h["mean_force"] > limit)
            if n != k:
                bad("%s says %s, the table has %d above %g N" % (code, n, limit, k))
        elif code in ("speed_fast", "speed_ok"):
            said = float(re.search(r"about (\d+\.\d) cm/s", text).group(1))
            shown = r["speed_median"] and num(r["speed_median"])
            if shown is None or abs(said - shown) > 0.051:
                bad("%s quotes %.1f cm/s, the passes section shows %s" %
                    (code, said, r["speed_median"]))
        elif code.startswith("coverage_"):
            line = code[len("coverage_"):]
            pct = float(re.search(r"over (\d+) %", text).group(1))
            words = {"medial": "inner (medial)", "middle": "middle",
                     "lateral": "outer (lateral)"}[line]
            row = [x for x in rows(r, "passes") if x and x[0] == words]
            if not row or num(row[0][5]) != pct:
                bad("%s quotes %g %%, the table shows %s" %
                    (code, pct, row[0][5] if row else "no row"))
        elif code in ("session_short", "session_long", "session_ok"):
            said = float(re.search(r"(\d+\.\d) minutes", text).group(1))
            m = re.search(r"on the roller (\d+):(\d\d)(?::(\d\d))?",
                          kv(r, "Duration"))
            secs = (int(m.group(1)) * 60 + int(m.group(2)) if not m.group(3)
                    else int(m.group(1)) * 3600 + int(m.group(2)) * 60 +
                    int(m.group(3)))
            if abs(secs / 60.0 - said) > 0.06:
                bad("%s says %.1f min, the session shows %s" %
                    (code, said, kv(r, "Duration")))
        elif code == "flinch":
            fl = rows(r, "flinches")[1:]
            if n != len(fl):
                bad("flinch says %s, the table has %d" % (n, len(fl)))
            m = re.search(r"at (\d+\.\d) cm", text)
            if m and fl and num(fl[0][1]) != float(m.group(1)):
                bad("flinch at %s cm, the table's first at %s" %
                    (m.group(1), fl[0][1]))
        elif code == "few_passes":
            has = "passes" in r["sections"]
            if text.find("Only one pass") >= 0:
                total = sum(num(x[1]) or 0 for x in rows(r, "passes")[1:])
                if total != 1:
                    bad("few_passes says one pass, the table counts %g" % total)
            elif has:
                bad("few_passes says no complete pass, a passes table shows")
        elif code == "short_session":
            said = num(re.sub(r"^\S+\s+", "", text))
            m = re.match(r"(\d+):(\d\d)", kv(r, "Duration"))
            secs = int(m.group(1)) * 60 + int(m.group(2))
            if abs(secs - said) > 1.0:
                bad("short_session says %g s, the session shows %s" %
                    (said, kv(r, "Duration")))
        elif code == "dropped_frames":
            m = re.search(r"; (\d+) dropped", kv(r, "Frames"))
            if not m or int(m.group(1)) != n:
                bad("dropped_frames says %s, Frames shows %s" %
                    (n, kv(r, "Frames")))
        elif code in ("calf_not_found", "no_contact"):
            if "not found" not in kv(r, "Calf"):
                bad("%s, but Calf shows %s" % (code, kv(r, "Calf")))
        elif code == "no_data":
            if not kv(r, "Frames").startswith("0 "):
                bad("no_data, but Frames shows %s" % kv(r, "Frames"))
        else:
            bad("guidance rule '%s' has no consistency check in "
                "tests/html/check_layout.py" % code)
    return [g["code"] for g in r["guidance"]]


def check_trend(r, width, printing):
    kind = "compact" if width < 640 and not printing else "wide"
    charts = r["trend_charts"]
    spots = [c for c in charts if c.startswith("spot-")]
    if not all(c.endswith("-" + kind) for c in spots):
        bad("charts shown: %s, want only the %s ones" % (spots, kind))
    n_spots = r["trend_spot_headings"]
    if len(spots) != n_spots:
        bad("%d spot headings but %d charts shown" % (n_spots, len(spots)))
    maps = [c for c in charts if c.startswith("map-s")]
    sessions = sum(1 for row in rows(r, "sessions")
                   if re.match(r"S\d+$", row[0].strip()))
    if len(maps) != sessions:
        bad("%d session maps shown for %d sessions" % (len(maps), sessions))
    for sec in ("sessions", "spots", "maps"):
        if sec not in r["sections"]:
            bad("section %s missing" % sec)


def main():
    r = json.load(open(sys.argv[1]))
    width = int(sys.argv[2])
    printing = "--print" in sys.argv
    if r["viewport"] != width:
        bad("laid out at %s px, not %d" % (r["viewport"], width))
    for o in r["overflow"][:10]:
        bad("overflow: %s" % json.dumps(o))
    if r["doc_scroll_width"] > width:
        bad("page scrolls sideways: %s px wide" % r["doc_scroll_width"])
    for s in r["small"][:10]:
        bad("text under 11 px: %s" % json.dumps(s))
    if r["identifiers"]:
        bad("identifiers in the visible text: %s" % sorted(set(r["identifiers"])))
    if "--trend" in sys.argv:
        check_trend(r, width, printing)
        for p in problems:
            print("FAIL: " + p)
        print("codes: ")
        return 1 if problems else 0
    want = "calf-map-compact" if width < 640 and not printing else "calf-map"
    if r["visible_maps"] != [want]:
        bad("maps shown: %s, want [%s]" % (r["visible_maps"], want))
    for z in r["zone_mismatch"]:
        bad("peak marker outside its zone: %s" % z)
    found = kv(r, "Found")
    counts = dict((w, int(n)) for n, w in
                  re.findall(r"(\d+) (hold|pressure peak|flinch)", found))
    for sec, word in (("holds", "hold"), ("peaks", "pressure peak"),
                      ("flinches", "flinch")):
        if (sec in r["sections"]) != (counts.get(word, 0) > 0):
            bad("section %s shown=%s with %s: %s" %
                (sec, sec in r["sections"], word, found))
    codes = [] if "--no-guidance" in sys.argv else check_guidance(r)
    for p in problems:
        print("FAIL: " + p)
    print("codes: " + " ".join(codes))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
