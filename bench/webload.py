#!/usr/bin/python3
"""The web live view under load (issue 16; `make bench`, section "web").

Two runs of `rollmap record --sim=stress` (32 cells at 1 kHz, real time)
for the same board time: without --web, then with --web and 20 viewers
(19 event-stream readers in this process and one page in headless
Chromium). Reports record's CPU in each (user + system, from wait4), the
difference as a share of one core, frames kept in each (none may be
lost), and the page's latency: Date.now() when the page has shown a
state minus rollmap's CLOCK_REALTIME stamp of the update that carried
the frames (same machine, same clock).

    bench/webload.py --build BUILD [--seconds 600] [--viewers 20] [--json F]

Targets: CPU above no viewers <= 2 % of a core, no frame lost, latency
p99 <= 200 ms."""
import argparse
import json
import os
import re
import select
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "web"))
import cdp  # noqa: E402

TARGET_CPU_FRAC = 0.02
TARGET_P99_MS = 200.0


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def record(cli, out, seconds, port=None):
    argv = [cli, "record", "--sim=stress", "--seed", "5", "--duration",
            str(seconds), "--quiet", "--force", "-o", out]
    if port:
        argv += ["--web", "127.0.0.1:%d" % port]
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def running(p):
    """Still running? Reaps it with its rusage (Popen.poll() would reap it
    without)."""
    if getattr(p, "ru", None):
        return False
    pid, status, ru = os.wait4(p.pid, os.WNOHANG)
    if pid == 0:
        return True
    p.ru, p.status = ru, status
    return False


def finish(p):
    if not getattr(p, "ru", None):
        _, p.status, p.ru = os.wait4(p.pid, 0)
    ru = p.ru
    p.returncode = os.waitstatus_to_exitcode(p.status)
    err = p.stderr.read()
    m = re.search(r"(\d+) frames \(([\d.]+) s\).*lost (\d+) in gaps", err)
    return {"rc": p.returncode, "cpu_s": ru.ru_utime + ru.ru_stime,
            "frames": int(m.group(1)) if m else None,
            "lost": int(m.group(3)) if m else None,
            "maxrss_kb": ru.ru_maxrss}


def wait_port(port, timeout=20):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--seconds", type=float, default=600)
    ap.add_argument("--viewers", type=int, default=20)
    ap.add_argument("--json")
    a = ap.parse_args()
    cli = os.path.join(ROOT, a.build, "rollmap")
    tmp = tempfile.mkdtemp(prefix="rm-webload.")
    res = {"seconds": a.seconds, "viewers": a.viewers}

    p = record(cli, os.path.join(tmp, "none.wav"), a.seconds)
    res["none"] = finish(p)

    port = free_port()
    p = record(cli, os.path.join(tmp, "web.wav"), a.seconds, port)
    if not wait_port(port):
        p.kill()
        sys.exit("webload: record --web did not listen")
    readers, got = [], []
    for _ in range(a.viewers - 1):
        s = socket.create_connection(("127.0.0.1", port), 5)
        s.sendall(b"GET /events HTTP/1.1\r\nHost: x\r\n\r\n")
        readers.append(s)
        got.append(0)
    lat = []
    try:
        with cdp.Browser() as b:
            page = b.open("http://127.0.0.1:%d/" % port)
            page.wait("window.rollmapUpdates > 0")
            while running(p):
                r, _, _ = select.select(readers, [], [], 0.5)
                for s in r:
                    d = s.recv(1 << 16)
                    got[readers.index(s)] += len(d)
            lat = page.eval("window.rollmapLatency") or []
            updates = page.eval("window.rollmapUpdates")
    except FileNotFoundError:
        updates = None
        res["browser"] = "no chromium: latency not measured"
        while running(p):
            r, _, _ = select.select(readers, [], [], 0.5)
            for s in r:
                got[readers.index(s)] += len(s.recv(1 << 16))
    res["web"] = finish(p)
    for s in readers:
        s.close()
    res["reader_bytes_min"] = min(got) if got else 0
    res["page_updates"] = updates
    res["latency_ms"] = {"n": len(lat), "p50": pct(lat, 0.5),
                         "p99": pct(lat, 0.99), "max": max(lat or [0])}
    cpu_extra = (res["web"]["cpu_s"] - res["none"]["cpu_s"]) / a.seconds
    res["cpu_frac_none"] = res["none"]["cpu_s"] / a.seconds
    res["cpu_frac_web"] = res["web"]["cpu_s"] / a.seconds
    res["cpu_frac_extra"] = cpu_extra
    res["ok_cpu"] = cpu_extra <= TARGET_CPU_FRAC
    # The same frames as without viewers, and no more gaps: the simulated
    # board's own sequence gaps (2 in 600 s of stress seed 5) are in both.
    res["ok_lost"] = (res["web"]["lost"] == res["none"]["lost"] and
                      res["web"]["frames"] == res["none"]["frames"])
    res["ok_latency"] = (res["latency_ms"]["p99"] is not None and
                         res["latency_ms"]["p99"] <= TARGET_P99_MS)
    for f in os.listdir(tmp):
        os.unlink(os.path.join(tmp, f))
    os.rmdir(tmp)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(res, f, indent=1)
    print("web view, %d viewers, %.0f s of 32 cells at 1 kHz:" %
          (a.viewers, a.seconds))
    print("  record CPU: %.2f %% of a core without viewers, %.2f %% with; "
          "+%.2f %% (target <= %.0f %%) %s" %
          (100 * res["cpu_frac_none"], 100 * res["cpu_frac_web"],
           100 * cpu_extra, 100 * TARGET_CPU_FRAC,
           "ok" if res["ok_cpu"] else "MISSED"))
    print("  frames: %s without, %s with; in gaps %s without, %s with %s" %
          (res["none"]["frames"], res["web"]["frames"], res["none"]["lost"],
           res["web"]["lost"],
           "ok" if res["ok_lost"] else "MISSED"))
    L = res["latency_ms"]
    print("  latency rollmap -> page: %d updates, p50 %s ms, p99 %s ms, "
          "max %s ms (target p99 <= %.0f ms) %s" %
          (L["n"], L["p50"], L["p99"], L["max"], TARGET_P99_MS,
           "ok" if res["ok_latency"] else "MISSED"))
    print("  least bytes a raw viewer read: %d" % res["reader_bytes_min"])


main()
