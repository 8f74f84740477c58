#!/usr/bin/python3
"""The Python binding's two speed targets (issue 17), for `make bench`:

  read:   rollmap.open(p).frames()  vs  soundfile.read(p, dtype="int32")
          (same file, same process, alternating; target <= 1.5x)
  report: rollmap.report(p)  vs  `rollmap report -f json p` (the CLI as a
          process, output discarded; alternating; target <= 1.05x)

Run as a script it prints its figures as JSON (bench/run.py runs it under
/usr/bin/python3 with PYTHONPATH=BUILD/python); render() makes the
Markdown table from them.

    python/bench_python.py --build build --session S.wav [--runs 7]
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

TARGET_READ = 1.5
TARGET_REPORT = 1.05


def timed(fn, cpu):
    """Wall time of fn(); its CPU time (this process's and its children's,
    every thread, user + sys) is appended to cpu."""
    def used():
        me = resource.getrusage(resource.RUSAGE_SELF)
        ch = resource.getrusage(resource.RUSAGE_CHILDREN)
        return me.ru_utime + me.ru_stime + ch.ru_utime + ch.ru_stime
    c0, t0 = used(), time.perf_counter()
    fn()
    t = time.perf_counter() - t0
    cpu.append(used() - c0)
    return t


def measure(cli, path, runs):
    import soundfile
    import rollmap

    def rm_read():
        with rollmap.open(path) as s:
            f = s.frames()
        return f

    def sf_read():
        return soundfile.read(path, dtype="int32", always_2d=True)[0]

    def cli_report():
        subprocess.run([cli, "report", "-f", "json", path], check=True,
                       stdout=subprocess.DEVNULL)

    # Warm the page cache and the allocator; check both read the same.
    a, b = sf_read(), rm_read()
    assert a.shape[0] == b.n and (a[:, :b.cells.shape[1]] == b.cells).all()
    del a, b
    fns = {"soundfile": sf_read, "frames": rm_read, "cli": cli_report,
           "report": lambda: rollmap.report(path)}
    t = {k: [] for k in fns}
    cpu = {k: [] for k in fns}
    for _ in range(runs):
        for k, fn in fns.items():
            t[k].append(timed(fn, cpu[k]))
    med = {k: statistics.median(v) for k, v in t.items()}
    mcpu = {k: statistics.median(v) for k, v in cpu.items()}
    return {
        "session": path, "runs": runs, "wall_s": t, "cpu_s": cpu,
        # CPU time leaves out waiting for a core on a loaded machine.
        "read_ratio_cpu": mcpu["frames"] / mcpu["soundfile"],
        "report_ratio_cpu": mcpu["report"] / mcpu["cli"],
        "median_s": med,
        "read_ratio": med["frames"] / med["soundfile"],
        "read_ratio_pairwise": statistics.median(
            f / s for f, s in zip(t["frames"], t["soundfile"])),
        "report_ratio": med["report"] / med["cli"],
        "report_ratio_pairwise": statistics.median(
            r / c for r, c in zip(t["report"], t["cli"])),
        "target_read": TARGET_READ, "target_report": TARGET_REPORT,
    }


def render(p, table, fmt, verdict):
    """Markdown for bench/run.py (its table/fmt/verdict helpers)."""
    if "status" in p:
        return "\n### Python binding\n\n%s\n" % p["status"]
    m = p["median_s"]
    rows = [
        ["frames() vs soundfile.read", fmt(m["frames"], 3),
         fmt(m["soundfile"], 3), fmt(p["read_ratio"]),
         fmt(p["read_ratio_pairwise"]), fmt(p["read_ratio_cpu"]),
         "<= %.2f" % p["target_read"],
         verdict(p["read_ratio"] <= p["target_read"])],
        ["report() vs rollmap report -f json", fmt(m["report"], 3),
         fmt(m["cli"], 3), fmt(p["report_ratio"]),
         fmt(p["report_ratio_pairwise"]), fmt(p["report_ratio_cpu"]),
         "<= %.2f" % p["target_report"],
         verdict(p["report_ratio"] <= p["target_report"])],
    ]
    return ("\n### Python binding on %s (median of %d alternating runs)\n\n"
            % (p["session"], p["runs"]) +
            table(["what", "python s", "reference s", "ratio",
                   "(median of pairs)", "(CPU time)", "target", "met"], rows) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--session", required=True)
    ap.add_argument("--runs", type=int, default=7)
    a = ap.parse_args()
    # Run as a script, python/ is first on sys.path: drop it so rollmap
    # comes from PYTHONPATH (the build tree's package, which names its
    # library), not from the source tree.
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [d for d in sys.path if os.path.abspath(d or ".") != here]
    json.dump(measure(a.build + "/rollmap", a.session, a.runs), sys.stdout)
    print()


if __name__ == "__main__":
    main()
