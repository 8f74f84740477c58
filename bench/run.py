#!/usr/bin/python3
"""The benchmark suite behind `make bench` (issue 5; docs/performance.md).

Runs every measurement once, prints Markdown tables (paste-able into a
note) and writes bench/out/summary.json. Sessions come from the simulator
and are kept in bench/out/ between runs. A row whose measurement needs a
hook the code does not have yet says "n/a: needs ..." instead of a number.

    bench/run.py --build build-bench [--quick] [--runs N] [--live-s S]
"""
import argparse
import datetime
import json
import math
import os
import re
import signal
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench", "out")
BASELINE = os.path.join(ROOT, "bench", "BASELINE.md")

# Targets from issue 5.
TARGET_RATIO = 2.0          # report time / floor time, stress session
TARGET_RSS_MB = 64.0
TARGET_RSS_GROWTH = 0.10    # 1-hour peak RSS within 10% of 1-minute
TARGET_CPU_FRAC = 0.05      # live path, fraction of one core
TARGET_P99_MS = 5.0

SECTIONS = ("offline", "memory", "live", "firmware", "instructions",
            "profile", "python", "web")

# Sessions: name -> (scenario, duration_s, seed). stress is 32 cells at
# 1 kHz; basic is the rev A board (12 cells at 80 Hz).
SESSIONS = {
    "stress-3600": ("stress", 3600, 1),
    "stress-60": ("stress", 60, 1),
    "reva-600": ("basic", 600, 1),
    "reva-3600": ("basic", 3600, 1),
}


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def session_path(name):
    scen, dur, seed = SESSIONS[name]
    return os.path.join(OUT, "%s-s%d.wav" % (name, seed))


def ensure_session(cli, name):
    """Generate a session once; reuse it while its parameters match."""
    scen, dur, seed = SESSIONS[name]
    path = session_path(name)
    params = "%s duration %d seed %d\n" % (scen, dur, seed)
    stamp = path + ".params"
    if os.path.exists(path) and os.path.exists(stamp):
        with open(stamp) as f:
            if f.read() == params:
                return path
    log("bench: generating %s (%s, %d s, seed %d)" % (path, scen, dur, seed))
    subprocess.run([cli, "sim", scen, "-o", path, "--duration", str(dur),
                    "--seed", str(seed), "--force", "--quiet"], check=True)
    with open(stamp, "w") as f:
        f.write(params)
    return path


def session_info(cli, path):
    out = subprocess.run([cli, "info", "--json", path], check=True,
                         capture_output=True, text=True).stdout
    info = json.loads(out)
    return info


TIME = "/usr/bin/time"
SETARCH = "/usr/bin/setarch"  # util-linux: -R turns address randomisation off
MEM_RUNS = 5


def run_timed(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
    """Wall time (s), CPU time (s) and peak RSS (kB) of one command.

    Peak RSS comes from /usr/bin/time: the rusage Python's wait4 returns
    would count the forked Python interpreter (Linux keeps the high-water
    mark across exec). Every command is wrapped alike, so the wrapper's
    ~1 ms is in both sides of a ratio.
    """
    rss_file = os.path.join(OUT, ".rss")
    cmd = [TIME, "-f", "%M", "-o", rss_file] + argv
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=stdout, stderr=stderr)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    p.returncode = code  # reaped here: keep Popen from waiting again
    if code != 0:
        raise RuntimeError("%s exited %d" % (" ".join(argv), code))
    with open(rss_file) as f:
        rss = int(f.read().split()[-1])
    return wall, ru.ru_utime + ru.ru_stime, rss


def fmt(x, nd=2):
    return "n/a" if x is None else ("%.*f" % (nd, x))


def table(head, rows):
    lines = ["| " + " | ".join(head) + " |",
             "|" + "|".join("---" for _ in head) + "|"]
    for r in rows:
        lines.append("| " + " | ".join(str(c) for c in r) + " |")
    return "\n".join(lines)


# ---------------------------------------------------------------- 1 + 2

def bench_offline(a, cli, build, names):
    """Floor, reader and report, alternating (FRP FRP ...), medians."""
    floor = os.path.join(build, "bench", "floor")
    reader = os.path.join(build, "bench", "reader")
    res = []
    for name in names:
        path = ensure_session(cli, name)
        info = session_info(cli, path)
        d = info["descriptor"]
        # Warm the page cache and check all three read the same frames.
        fl = subprocess.run([floor, path], check=True, capture_output=True,
                            text=True).stdout.split()
        rd = subprocess.run([reader, path], check=True, capture_output=True,
                            text=True).stdout.split()
        rep = json.loads(subprocess.run(
            [cli, "report", "-f", "json", path], check=True,
            capture_output=True, text=True).stdout)
        frames = {"floor": int(fl[1]), "reader": int(rd[1]),
                  "report": int(rep["session"]["frames"])}
        if len(set(frames.values())) != 1:
            log("bench: %s: frame counts differ: %s" % (name, frames))
        cmds = {"floor": [floor, path], "reader": [reader, path],
                "report": [cli, "report", "-f", "json", path]}
        wall = {k: [] for k in cmds}
        cpu = {k: [] for k in cmds}
        rss = {k: [] for k in cmds}
        for i in range(a.runs):
            for k in ("floor", "reader", "report"):
                w, c, r = run_timed(cmds[k])
                wall[k].append(w)
                cpu[k].append(c)
                rss[k].append(r)
        med = {k: statistics.median(v) for k, v in wall.items()}
        pair = statistics.median(r / f for r, f in
                                 zip(wall["report"], wall["floor"]))
        res.append({
            "session": name, "path": os.path.relpath(path, ROOT),
            "cells": d["cells"], "rate_hz": d["rate_hz"],
            "duration_s": SESSIONS[name][1],
            "bytes": os.path.getsize(path), "frames": frames,
            "runs": a.runs, "wall_s": wall, "cpu_s": cpu,
            "peak_rss_kb": {k: max(v) for k, v in rss.items()},
            "floor_median_s": med["floor"], "reader_median_s": med["reader"],
            "report_median_s": med["report"],
            "report_cpu_median_s": statistics.median(cpu["report"]),
            "ratio": med["report"] / med["floor"],
            "reader_ratio": med["reader"] / med["floor"],
            "ratio_pairwise_median": pair,
            # CPU time (user+sys) leaves out waiting for a core, which on a
            # loaded machine inflates wall time; the ratio is wall.
            "ratio_cpu": statistics.median(cpu["report"]) /
            max(statistics.median(cpu["floor"]), 1e-3),
            "report_peak_rss_kb": max(rss["report"]),
            "target_ratio": TARGET_RATIO if name == "stress-3600" else None,
        })
        log("bench: offline %s: floor %.3f s, reader %.3f s, report %.3f s, "
            "ratio %.2f" % (name, med["floor"], med["reader"], med["report"],
                            med["report"] / med["floor"]))
    return res


def bench_memory(a, cli, offline):
    """Peak RSS of the report on 1-minute and 1-hour stress sessions.

    Its own runs, alternating 1 min / 1 h, median of MEM_RUNS each, under
    `setarch -R` (address-space randomisation off): with it on, the same
    binary on the same file moves by ~0.3 MB from run to run (where the
    kernel puts the mappings and how many partly used pages that leaves),
    as much as the growth being measured.
    """
    norand = [SETARCH, "-R"] if os.access(SETARCH, os.X_OK) else []
    paths = {n: ensure_session(cli, n) for n in ("stress-60", "stress-3600")}
    rss = {n: [] for n in paths}
    for _ in range(MEM_RUNS):
        for n, path in paths.items():
            rss[n].append(run_timed(norand + [cli, "report", "-f", "json",
                                              path])[2])
    rows = []
    for n in paths:
        med = statistics.median(rss[n])
        rows.append({"session": n, "peak_rss_kb": med,
                     "peak_rss_mb": med / 1024.0, "runs_kb": rss[n]})
    growth = None
    if rows[0]["peak_rss_kb"]:
        growth = rows[1]["peak_rss_kb"] / rows[0]["peak_rss_kb"] - 1.0
    return {"sessions": rows, "growth_1h_vs_1min": growth,
            "aslr_off": bool(norand), "runs": MEM_RUNS,
            "target_mb": TARGET_RSS_MB, "target_growth": TARGET_RSS_GROWTH}


# ---------------------------------------------------------------- 3

def kv_line(text):
    toks = text.split()
    return {toks[i]: float(toks[i + 1]) for i in range(0, len(toks) - 1, 2)}


def read_stamps(path, cols):
    """{seq: (int, ...)} from a stamp log ('#' lines skipped)."""
    out = {}
    with open(path) as f:
        for line in f:
            if line.startswith("#"):
                continue
            t = line.split()
            if len(t) == cols:
                out[int(t[0])] = tuple(int(x) for x in t[1:])
    return out


def pct(xs, q):
    """The q-quantile of sorted xs (nearest rank), or None."""
    if not xs:
        return None
    return xs[min(len(xs) - 1, max(0, int(math.ceil(q * len(xs))) - 1))]


def live_trial(cli, vboard, seed, dur, tag):
    """One trial: the virtual board (stamping each frame's write) on a pty
    -> rollmap record --latency-log. CPU and loss from the record process;
    latency per frame = record's 'engine consumed' stamp - the board's
    stamp of the write() holding the frame's last byte, matched by
    sequence number (both CLOCK_MONOTONIC on this machine)."""
    out_wav = os.path.join(OUT, "live-%s.wav" % tag)
    board_log = os.path.join(OUT, "live-%s-board.log" % tag)
    board_st = os.path.join(OUT, "live-%s-board.stamps" % tag)
    rec_log = os.path.join(OUT, "live-%s-record.log" % tag)
    rec_lat = os.path.join(OUT, "live-%s-record.lat" % tag)
    board_err = open(board_log, "w+")
    # The board runs past the host's --duration so record stops first.
    board = subprocess.Popen([vboard, "stress", "--seed", str(seed),
                              "--duration", str(dur + 5), "--stamp-log",
                              board_st], stdout=subprocess.PIPE,
                             stderr=board_err, text=True)
    try:
        slave = board.stdout.readline().strip()
        if not slave:
            return {"status": "failed: vboard did not start (see %s)"
                    % os.path.relpath(board_log, ROOT)}
        with open(rec_log, "w") as err:
            wall, cpu, rss = run_timed(
                [cli, "record", "-p", slave, "--leg", "left", "--quiet", "--duration",
                 str(dur), "--force", "-o", out_wav, "--latency-log",
                 rec_lat], stderr=err)
    except RuntimeError as e:
        return {"status": "failed: %s (see %s)"
                % (e, os.path.relpath(rec_log, ROOT))}
    finally:
        board.send_signal(signal.SIGTERM)
        board.wait()
    with open(rec_log) as f:
        text = f.read()
    m = re.search(r"(\d+) frames \(([\d.]+) s\).*lost (\d+) in gaps, "
                  r"(\d+) corrupt", text)
    q = re.search(r"writer queue: at most (\d+) of (\d+) frames, (\d+) "
                  r"full waits.*longest write ([\d.]+) ms", text)
    board_err.seek(0)
    sent = re.search(r"sent (\d+) sample frames", board_err.read())
    frames = int(m.group(1)) if m else None
    expect = int(round(dur * 1000))
    wrote = read_stamps(board_st, 2)
    got = read_stamps(rec_lat, 3)
    lat, rx, push = [], [], []
    for seq, (rx_ns, done_ns) in got.items():
        w = wrote.get(seq)
        push.append((done_ns - rx_ns) / 1e3)
        if w is not None:
            lat.append((done_ns - w[0]) / 1e3)
            rx.append((rx_ns - w[0]) / 1e3)
    lat.sort()
    rx.sort()
    push.sort()
    # Lost: frames the board wrote up to the last one record kept that
    # record does not have. (Not frames - duration x 1 kHz: the simulated
    # board's clock runs a few ppm off for some seeds, so a 20 s window of
    # board time holds 19,997-20,002 frames.)
    last = max(got) if got else -1
    missing = sum(1 for seq in wrote if seq <= last and seq not in got)
    return {
        "status": "ok", "duration_s": dur, "wall_s": wall, "cpu_s": cpu,
        "cpu_frac": cpu / wall, "peak_rss_kb": rss,
        "frames": frames, "frames_expected": expect,
        "decoder_lost": int(m.group(3)) if m else None,
        "corrupt_bytes": int(m.group(4)) if m else None,
        "frames_lost": missing + (0 if got else expect),
        "board_sent": int(sent.group(1)) if sent else None,
        "frames_matched": len(lat),
        "lat_median_us": pct(lat, 0.5), "lat_p99_us": pct(lat, 0.99),
        "lat_max_us": lat[-1] if lat else None,
        # Where the time goes: delivery (board write -> the port read in
        # record returning: pty, scheduler) and record's own part (port
        # read -> engine consumed: decode, engine, queue for the writer).
        "read_p99_us": pct(rx, 0.99), "read_max_us": rx[-1] if rx else None,
        "push_p99_us": pct(push, 0.99),
        "push_max_us": push[-1] if push else None,
        "queue_max_frames": int(q.group(1)) if q else None,
        "queue_cap_frames": int(q.group(2)) if q else None,
        "queue_full_waits": int(q.group(3)) if q else None,
        "write_max_ms": float(q.group(4)) if q else None,
        "loadavg": os.getloadavg()[0],
    }


def bench_live(a, cli, build):
    """`rollmap record` on the virtual board's pty, --lat-trials times
    (the first --live-s seconds long, the others --lat-s): CPU, frames
    lost and latency, all from the binary itself."""
    vboard = os.path.join(build, "tests", "pty", "vboard")
    if not os.access(vboard, os.X_OK):
        na = {"status": "n/a: needs tests/pty/vboard (make pty-tools)"}
        return na, na
    trials = []
    for i in range(max(1, a.lat_trials)):
        dur = a.live_s if i == 0 else a.lat_s
        t = live_trial(cli, vboard, 3 + i, dur, "t%d" % (i + 1))
        if t["status"] != "ok":
            return t, t
        trials.append(t)
        log("bench: live trial %d (%g s): CPU %.2f %%, lost %s, latency "
            "p50 %.0f us, p99 %.0f us, max %.0f us; record's part p99 "
            "%.0f us, max %.0f us"
            % (i + 1, dur, 100 * t["cpu_frac"], t["frames_lost"],
               t["lat_median_us"] or 0, t["lat_p99_us"] or 0,
               t["lat_max_us"] or 0, t["push_p99_us"] or 0,
               t["push_max_us"] or 0))
    rec = dict(trials[0])
    rec["target_cpu_frac"] = TARGET_CPU_FRAC
    rec["cpu_frac_worst"] = max(t["cpu_frac"] for t in trials)
    rec["frames_lost_total"] = sum(t["frames_lost"] or 0 for t in trials)
    ok = [t for t in trials if t["lat_p99_us"] is not None]
    if not ok:
        return rec, {"status": "failed: no frame matched between the "
                               "board's and record's stamps"}
    p99s = sorted(t["lat_p99_us"] for t in ok)
    lat = {
        "status": "ok", "source": "rollmap record --latency-log",
        "trials": trials,
        "lat_median_us": statistics.median(t["lat_median_us"] for t in ok),
        "lat_p99_us_median": statistics.median(p99s),
        "lat_p99_us_worst": p99s[-1],
        "lat_max_us": max(t["lat_max_us"] for t in ok),
        "read_p99_us_worst": max(t["read_p99_us"] for t in ok),
        "push_p99_us_worst": max(t["push_p99_us"] for t in ok),
        "push_max_us": max(t["push_max_us"] for t in ok),
        "queue_max_frames": max(t["queue_max_frames"] or 0 for t in ok),
        "queue_full_waits": sum(t["queue_full_waits"] or 0 for t in ok),
        "write_max_ms": max(t["write_max_ms"] or 0 for t in ok),
        "frames_lost": rec["frames_lost_total"],
        "target_p99_ms": TARGET_P99_MS,
    }
    return rec, lat


# ---------------------------------------------------------------- 4

def bench_firmware(a, build):
    """Flash/RAM of the firmware ELF (avr-size); cycles per frame and the
    rate sweep from the firmware's own simavr runner (test_firmware
    --measure, tests/firmware/), parsed rather than duplicated."""
    elf = os.path.join(build, "firmware", "rollmap-fw.elf")
    runner = os.path.join(build, "tests", "firmware", "test_firmware")
    res = {}
    if os.path.exists(elf):
        res["elf"] = os.path.relpath(elf, ROOT)
        out = subprocess.run(["avr-size", "-A", elf], capture_output=True,
                             text=True).stdout
        sec = {}
        for line in out.splitlines():
            t = line.split()
            if len(t) >= 2 and t[0].startswith(".") and t[1].isdigit():
                sec[t[0]] = int(t[1])
        res["flash_bytes"] = sec.get(".text", 0) + sec.get(".data", 0)
        res["ram_bytes"] = sec.get(".data", 0) + sec.get(".bss", 0)
    else:
        res["size_status"] = "n/a: needs the firmware ELF (make firmware)"
    if not os.access(runner, os.X_OK):
        res["cycles_status"] = ("n/a: needs tests/firmware/test_firmware "
                                "(make %s)" % os.path.relpath(runner, ROOT))
        return res
    # The sweep takes about a minute of CPU; --quick keeps the 80 Hz run.
    argv = [runner] if a.quick else [runner, "--measure"]
    p = subprocess.run(argv, capture_output=True, text=True)
    text = p.stdout + p.stderr
    m = re.search(r"frame work (\d+)\.\.(\d+) cycles \(mean (\d+)\).*?"
                  r"frame spacing (\d+)\.\.(\d+) us.*?stack at most (\d+)",
                  text)
    if p.returncode != 0 or not m:
        res["cycles_status"] = "n/a: test_firmware failed (exit %d)" % \
            p.returncode
        return res
    spacing_us = (int(m.group(4)) + int(m.group(5))) / 2.0
    res.update({
        "cycles_min": int(m.group(1)), "cycles_max": int(m.group(2)),
        "cycles_mean": int(m.group(3)),
        "frame_period_us": spacing_us,
        # Share of the CPU at that rate, 16 MHz clock.
        "cpu_share": int(m.group(3)) / (spacing_us * 16.0),
        "stack_max_bytes": int(m.group(6)),
    })
    sweeps = {}
    cur = None
    for line in text.splitlines():
        h = re.match(r"(\S.*?): rate_hz sustained", line)
        if h:
            cur = h.group(1)
            sweeps[cur] = []
            continue
        r = re.match(r"\s+(\d+)\s+(yes|no)\s+(\d+)\s+(\d+)", line)
        if r and cur:
            sweeps[cur].append({"rate_hz": int(r.group(1)),
                                "sustained": r.group(2) == "yes",
                                "cycles_mean": int(r.group(3)),
                                "overruns": int(r.group(4))})
    res["sweeps"] = sweeps
    # Highest rate sustained with every lower rate of the grid sustained
    # too, and the next grid point that failed (the true limit is between).
    res["max_rate"] = {}
    for name, rows in sweeps.items():
        best, fail = None, None
        for row in rows:
            if row["sustained"] and fail is None:
                best = row["rate_hz"]
            elif not row["sustained"] and fail is None:
                fail = row["rate_hz"]
        res["max_rate"][name] = {"sustained_hz": best, "failed_hz": fail}
    if not sweeps:
        res["sweep_status"] = "not run (--quick)"
    return res


# ---------------------------------------------------------------- 5

def read_baseline():
    """Rows '| key | number | ...' between the *-baseline markers of
    BASELINE.md (sessions for Ir/frame; firmware figures by name). Other
    tables there are for people and not parsed."""
    base = {}
    inside = False
    if os.path.exists(BASELINE):
        with open(BASELINE) as f:
            for line in f:
                if "-baseline:" in line and line.startswith("<!--"):
                    inside = "begin" in line
                    continue
                m = re.match(r"\|\s*`?([\w.-]+)`?\s*\|\s*([\d,]+)\s*\|", line)
                if inside and m:
                    base[m.group(1)] = int(m.group(2).replace(",", ""))
    return base


def callgrind_total(path):
    with open(path) as f:
        for line in f:
            if line.startswith("totals:") or line.startswith("summary:"):
                return int(line.split()[1])
    raise RuntimeError("%s: no totals line" % path)


def bench_instructions(cli, build, names):
    tool = os.path.join(build, "bench", "engine_ir")
    base = read_baseline()
    rows = []
    for name in names:
        path = ensure_session(cli, name)
        cg = os.path.join(OUT, "callgrind.engine.%s.out" % name)
        out = subprocess.run(
            ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + cg,
             "--collect-atstart=no", "--toggle-collect=engine_run*",
             tool, path], check=True, capture_output=True, text=True).stdout
        frames = int(out.split()[1])
        ir = callgrind_total(cg)
        per = ir / frames
        b = base.get(name)
        rows.append({"session": name, "frames": frames, "ir_total": ir,
                     "ir_per_frame": per, "baseline_ir_per_frame": b,
                     "change": (per / b - 1.0) if b else None,
                     "callgrind_out": os.path.relpath(cg, ROOT)})
        log("bench: engine %s: %.0f instructions per frame" % (name, per))
    return rows


def profile_report(cli, name, top):
    """callgrind of `rollmap report -f json`: top functions, self cost."""
    path = ensure_session(cli, name)
    cg = os.path.join(OUT, "callgrind.report.%s.out" % name)
    subprocess.run(["valgrind", "--tool=callgrind",
                    "--callgrind-out-file=" + cg, cli, "report", "-f",
                    "json", path], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    total = callgrind_total(cg)
    out = subprocess.run(["callgrind_annotate", "--threshold=100", cg],
                         check=True, capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines():
        m = re.match(r"\s*([\d,]+)\s+\(\s*([\d.]+)%\)\s+(\S+):(\S+)", line)
        if m and "PROGRAM TOTALS" not in line:
            fn = m.group(4)
            src = os.path.basename(m.group(3))
            rows.append({"function": fn, "file": src,
                         "ir": int(m.group(1).replace(",", "")),
                         "pct": float(m.group(2))})
    return {"session": name, "ir_total": total, "top": rows[:top],
            "callgrind_out": os.path.relpath(cg, ROOT)}


# ---------------------------------------------------------------- main

def verdict(ok):
    return "n/a" if ok is None else ("yes" if ok else "**no**")


def bench_python(a, cli, build):
    """The Python binding vs soundfile and the CLI (python/bench_python.py),
    in a child /usr/bin/python3 on the build tree's package."""
    if not os.path.exists(os.path.join(build, "python", "rollmap")):
        return {"status": "n/a: needs `make python`"}
    env = dict(os.environ, PYTHONPATH=os.path.join(build, "python"))
    out = subprocess.run(
        ["/usr/bin/python3", os.path.join(ROOT, "python", "bench_python.py"),
         "--build", build, "--session", ensure_session(cli, "stress-3600"),
         "--runs", str(a.runs)], check=True, capture_output=True, text=True,
        env=env).stdout
    res = json.loads(out)
    log("bench: python read %.2fx soundfile, report %.2fx the CLI"
        % (res["read_ratio"], res["report_ratio"]))
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--quick", action="store_true",
                    help="fewer runs, shorter live path (a smoke run)")
    ap.add_argument("--runs", type=int, default=7,
                    help="alternating floor/report pairs per session")
    ap.add_argument("--live-s", type=float, default=30,
                    help="seconds of rollmap record on the pty, trial 1")
    ap.add_argument("--lat-s", type=float, default=20,
                    help="seconds of each further live trial")
    ap.add_argument("--lat-trials", type=int, default=3,
                    help="live trials (CPU, loss and latency in each)")
    ap.add_argument("--web-s", type=float, default=600,
                    help="seconds of each web view run (bench/webload.py)")
    ap.add_argument("--only", default=",".join(SECTIONS),
                    help="comma-separated sections (default: all of %s)"
                    % ",".join(SECTIONS))
    a = ap.parse_args()
    only = set(a.only.split(","))
    if only - set(SECTIONS):
        ap.error("unknown section(s): %s" % ",".join(only - set(SECTIONS)))
    if a.quick:
        a.runs, a.live_s, a.lat_s, a.lat_trials = 3, 10, 10, 1
        a.web_s = 60
    build = os.path.join(ROOT, a.build)
    cli = os.path.join(build, "rollmap")
    os.makedirs(OUT, exist_ok=True)
    if not os.access(TIME, os.X_OK):
        sys.exit("bench: needs %s (Debian package 'time')" % TIME)
    st = os.statvfs(OUT)
    if not os.path.exists(session_path("stress-3600")) and \
            st.f_bavail * st.f_frsize < 2 * 1024 ** 3:
        sys.exit("bench: fewer than 2 GiB free under bench/out; the 1-hour "
                 "session needs about 0.5 GB")

    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short",
                             "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain",
                            "--untracked-files=no"], capture_output=True,
                           text=True).stdout.strip() != ""
    summary = {
        "schema": 1,
        "when_utc": datetime.datetime.now(datetime.timezone.utc)
        .strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commit": commit + ("-dirty" if dirty else ""),
        "machine": {"cpus": os.cpu_count(),
                    "loadavg_start": os.getloadavg()},
    }
    skipped = {"status": "skipped (--only)"}
    offline = []
    if "offline" in only:
        offline = bench_offline(a, cli, build, ["stress-3600", "reva-600",
                                                "reva-3600", "stress-60"])
    summary["offline"] = offline
    summary["linearity"] = linearity(offline)
    if "memory" in only:
        summary["memory"] = bench_memory(a, cli, offline)
    if "live" in only:
        summary["live_record"], summary["live_latency"] = \
            bench_live(a, cli, build)
    if "firmware" in only:
        summary["firmware"] = bench_firmware(a, build)
    summary["instructions"] = []
    if "instructions" in only:
        summary["instructions"] = bench_instructions(
            cli, build, ["stress-60", "reva-600"])
    if "profile" in only:
        summary["profile"] = profile_report(cli, "stress-60", 12)
    if "python" in only:
        summary["python"] = bench_python(a, cli, build)
    if "web" in only:
        # The web view under 20 viewers: CPU, loss, page latency (issue 16).
        wj = os.path.join(OUT, "webload.json")
        subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "bench",
                        "webload.py"), "--build", a.build, "--seconds",
                        str(a.web_s), "--json", wj], check=False)
        summary["web"] = json.load(open(wj)) if os.path.exists(wj) else \
            {"status": "failed: see bench/webload.py's output"}
    summary["machine"]["loadavg_end"] = os.getloadavg()

    with open(os.path.join(OUT, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
        f.write("\n")
    # One line per run, to compare over time (bench/out stays local).
    with open(os.path.join(OUT, "history.jsonl"), "a") as f:
        f.write(json.dumps(summary, separators=(",", ":")) + "\n")
    md = render(summary)
    with open(os.path.join(OUT, "summary.md"), "w") as f:
        f.write(md)
    print(md)


def linearity(offline):
    """Cost per frame should not depend on session length: report CPU per
    frame of the long session over the short one (1.0: linear)."""
    by = {o["session"]: o for o in offline}
    lin = []
    for short, long_ in (("reva-600", "reva-3600"),
                         ("stress-60", "stress-3600")):
        if short in by and long_ in by:
            ps = by[short]["report_cpu_median_s"] / \
                by[short]["frames"]["report"]
            pl = by[long_]["report_cpu_median_s"] / \
                by[long_]["frames"]["report"]
            lin.append({"short": short, "long": long_, "ratio": pl / ps})
    return lin


def render(s):
    out = []
    la = s["machine"]["loadavg_start"]
    out.append("## rollmap bench, %s, commit %s (%d CPUs, load %.1f at "
               "start)\n" % (s["when_utc"], s["commit"], s["machine"]["cpus"],
                             la[0]))
    if s["offline"]:
        out.append("### 1. Offline report vs the floor (median of %d "
                   "alternating runs)\n" % s["offline"][0]["runs"])
    rows = []
    for o in s["offline"]:
        ok = None if o["target_ratio"] is None else \
            o["ratio"] <= o["target_ratio"]
        rows.append([o["session"], "%d x %g Hz" % (o["cells"], o["rate_hz"]),
                     "%.0f" % (o["bytes"] / 1e6), o["frames"]["report"],
                     fmt(o["floor_median_s"], 3), fmt(o["reader_median_s"], 3),
                     fmt(o["report_median_s"], 3), fmt(o["reader_ratio"]),
                     fmt(o["ratio"]), fmt(o["ratio_pairwise_median"]),
                     fmt(o["ratio_cpu"]),
                     "<= %.1f" % o["target_ratio"] if o["target_ratio"]
                     else "-", verdict(ok)])
    lin = s.get("linearity", [])
    if rows:
        out.append(table(["session", "cells x rate", "MB", "frames", "floor s",
                          "reader s", "report s", "reader/floor",
                          "report/floor", "(median of pairs)", "(CPU time)",
                          "target", "met"], rows))
    if lin:
        out.append("\nReport CPU time per frame, long session / short one "
                   "(1.0: cost linear in length; start-up inflates the "
                   "60 s session, so its row understates any growth):\n")
        out.append(table(["long / short", "per-frame CPU ratio"],
                         [["%s / %s" % (x["long"], x["short"]),
                           fmt(x["ratio"])] for x in lin]))
    if "memory" in s:
        render_memory(s, out)
    if "live_record" in s:
        render_live(s, out)
    if "firmware" in s:
        render_firmware(s, out)
    render_rest(s, out)
    if "python" in s:
        sys.path.insert(0, os.path.join(ROOT, "python"))
        import bench_python
        out.append(bench_python.render(s["python"], table, fmt, verdict))
    out.append("\nFigures as JSON: bench/out/summary.json\n")
    return "\n".join(out)


def render_memory(s, out):
    m = s["memory"]
    out.append("\n### 2. Peak RSS of `rollmap report -f json`\n")
    rows = [[r["session"], fmt(r["peak_rss_mb"], 2),
             "<= %.0f" % m["target_mb"],
             verdict(r["peak_rss_mb"] <= m["target_mb"])]
            for r in m["sessions"]]
    g = m["growth_1h_vs_1min"]
    mb = m["sessions"][-1]["peak_rss_mb"] - m["sessions"][0]["peak_rss_mb"]
    rows.append(["1 h vs 1 min", "%+.1f %% (%+.2f MB)" % (100 * g, mb)
                 if g is not None else "n/a", "<= +%.0f %%" % (100 * m["target_growth"]),
                 verdict(None if g is None else g <= m["target_growth"])])
    out.append(table(["session", "peak RSS MB", "target", "met"], rows))
    out.append("\nMedian of %d runs each, alternating, address randomisation %s.\n"
               % (m.get("runs", 1), "off (setarch -R)" if m.get("aslr_off") else "on"))


def render_live(s, out):
    out.append("\n### 3. Live path: virtual board, 32 cells at 1 kHz, pty\n")
    r, L = s["live_record"], s["live_latency"]
    rows = []
    if r["status"] == "ok":
        rows.append(["`rollmap record --quiet`: CPU, share of one core "
                     "(trial 1 / worst)",
                     "%.2f / %.2f %%" % (100 * r["cpu_frac"],
                                         100 * r.get("cpu_frac_worst",
                                                     r["cpu_frac"])),
                     "<= 5 %", verdict(r.get("cpu_frac_worst", r["cpu_frac"])
                                       <= TARGET_CPU_FRAC)])
        rows.append(["`rollmap record`: frames lost, all trials",
                     r.get("frames_lost_total", r["frames_lost"]), "0",
                     verdict(r.get("frames_lost_total", r["frames_lost"])
                             == 0)])
    else:
        rows.append(["`rollmap record`: CPU and frames lost", r["status"],
                     "", "n/a"])
    if L["status"] == "ok":
        rows.append(["latency median, board write of last byte -> engine",
                     "%.3f ms" % (L["lat_median_us"] / 1e3), "-", "-"])
        rows.append(["latency p99 (median / worst of %d trials)"
                     % len(L["trials"]),
                     "%.3f / %.3f ms" % (L["lat_p99_us_median"] / 1e3,
                                         L["lat_p99_us_worst"] / 1e3),
                     "<= 5 ms", verdict(L["lat_p99_us_worst"] / 1e3 <=
                                        TARGET_P99_MS)])
        rows.append(["latency max", "%.3f ms" % (L["lat_max_us"] / 1e3),
                     "-", "-"])
        rows.append(["p50 / p99 / max per trial", "<br>".join(
            "%.3f / %.3f / %.3f ms (load %.1f)"
            % (t["lat_median_us"] / 1e3, t["lat_p99_us"] / 1e3,
               t["lat_max_us"] / 1e3, t["loadavg"]) for t in L["trials"]),
            "-", "-"])
        rows.append(["of which delivery p99 (board write -> port read)",
                     "%.3f ms" % (L["read_p99_us_worst"] / 1e3), "-", "-"])
        rows.append(["of which record p99 / max (port read -> engine)",
                     "%.3f / %.3f ms" % (L["push_p99_us_worst"] / 1e3,
                                         L["push_max_us"] / 1e3), "-", "-"])
        rows.append(["writer thread: longest block write (incl. fsync); "
                     "queue high-water; full waits",
                     "%.1f ms; %d frames; %d" % (L["write_max_ms"],
                                                 L["queue_max_frames"],
                                                 L["queue_full_waits"]),
                     "-", "-"])
    else:
        rows.append(["latency", L["status"], "<= 5 ms", "n/a"])
    out.append(table(["measure", "value", "target", "met"], rows))


def vs_base(value, key):
    """' (+x.x % vs BASELINE.md)' when BASELINE.md has the key."""
    b = read_baseline().get(key)
    if not b or value is None:
        return ""
    return " (%+.1f %% vs BASELINE.md)" % (100.0 * (value / b - 1.0))


def render_firmware(s, out):
    fw = s["firmware"]
    out.append("\n### 4. Firmware (ATmega328P, 16 MHz, simavr)\n")
    na = fw.get("size_status")
    rows = [["flash (.text + .data)", "%d B%s" % (fw["flash_bytes"], vs_base(
             fw["flash_bytes"], "fw_flash_bytes")) if not na else na,
             "<= 16384 B"],
            ["RAM (.data + .bss)", "%d B%s" % (fw["ram_bytes"], vs_base(
             fw["ram_bytes"], "fw_ram_bytes")) if not na else na,
             "<= 1024 B"]]
    if "cycles_mean" in fw:
        rows.append(["cycles per frame, 12 cells at %.0f Hz: mean (min..max)"
                     % (1e6 / fw["frame_period_us"]),
                     "%d (%d..%d)%s" % (fw["cycles_mean"], fw["cycles_min"],
                                        fw["cycles_max"],
                                        vs_base(fw["cycles_mean"],
                                                "fw_cycles_mean")), "-"])
        rows.append(["CPU share at that rate", "%.1f %%"
                     % (100 * fw["cpu_share"]), "-"])
        rows.append(["stack, deepest", "%d B" % fw["stack_max_bytes"], "-"])
        for name, mr in fw["max_rate"].items():
            rows.append(["highest rate sustained, %s" % name,
                         "%s Hz (%s Hz failed)" % (mr["sustained_hz"],
                                                  mr["failed_hz"]), "-"])
        if fw.get("sweep_status"):
            rows.append(["highest rate sustained", fw["sweep_status"], "-"])
    else:
        rows.append(["cycles per frame", fw["cycles_status"], "-"])
    out.append(table(["measure", "value", "budget"], rows))


def render_rest(s, out):
    if s["instructions"]:
        out.append("\n### 5. Engine instructions per frame (callgrind)\n")
    rows = []
    for i in s["instructions"]:
        rows.append([i["session"], i["frames"], "{:,}".format(i["ir_total"]),
                     "{:,.0f}".format(i["ir_per_frame"]),
                     "{:,}".format(i["baseline_ir_per_frame"])
                     if i["baseline_ir_per_frame"] else "none",
                     "%+.1f %%" % (100 * i["change"])
                     if i["change"] is not None else "n/a"])
    if rows:
        out.append(table(["session", "frames", "Ir total", "Ir/frame",
                          "BASELINE.md", "change"], rows))
    p = s.get("profile")
    if p:
        out.append("\n### Profile: `rollmap report -f json` on %s, "
                   "self cost (callgrind, %s Ir)\n"
                   % (p["session"], "{:,}".format(p["ir_total"])))
        out.append(table(["function", "file", "Ir", "%"],
                         [[t["function"], t["file"],
                           "{:,}".format(t["ir"]), "%.1f" % t["pct"]]
                          for t in p["top"]]))


if __name__ == "__main__":
    main()
