#!/usr/bin/python3
"""The web live view end to end (tests/web/test_liveview_web.sh).

  webview.py dom BUILD     record --sim on a pty (the terminal view) with
                           --web, and the page in headless Chromium: the
                           page's hold timer runs past 30 s, and every
                           state the terminal drew the page showed too,
                           with the same line and place.
  webview.py guard BUILD   the server's rules: token, 403, read-only,
                           4xx for malformed and oversized requests,
                           a viewer that stops reading is dropped, and
                           none of it costs record a frame.
Exit 0 when every check passed, 1 otherwise, 77 when no browser runs."""
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cdp  # noqa: E402

fails = 0


def check(cond, what):
    global fails
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        fails += 1
    return cond


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(host, port, timeout=15):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            socket.create_connection((host, port), 0.2).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def dom(build):
    rollmap = os.environ.get("ROLLMAP", build + "/rollmap")
    tmp = os.environ["TMPDIR_TEST"]
    port = free_port()
    # holds seed 8 (samples/holds.wav): a 44 s hold from 0:49, placed on
    # the calf from about 2:00; 200 s of it at 8x is 25 s.
    screen = subprocess.Popen(
        ["/usr/bin/python3", os.path.join(HERE, "..", "pty",
                                          "liveview_screen.py"),
         "80", "30", "0", "--", rollmap, "record", "--sim=holds", "--seed",
         "8", "--speed", "8", "--duration", "200", "-o", tmp + "/dom.wav",
         "--web", "127.0.0.1:%d" % port],
        stdout=open(tmp + "/screen.json", "w"))
    if not check(wait_port("127.0.0.1", port), "record --web listens"):
        screen.kill()
        return
    try:
        browser = cdp.Browser()
    except FileNotFoundError:
        screen.kill()
        print("SKIP: no chromium")
        sys.exit(77)
    with browser as b:
        page = b.open("http://127.0.0.1:%d/" % port)
        page.wait("window.rollmapUpdates > 0")
        samples = []
        while screen.poll() is None:
            samples.append(page.eval(
                "[document.getElementById('hold').textContent,"
                " document.getElementById('arc').getAttribute("
                "'stroke-dasharray'),"
                " document.getElementById('status').textContent]"))
            time.sleep(0.2)
        hist = page.eval("window.rollmapHistory")
        lat = page.eval("window.rollmapLatency")
        status = page.wait("document.getElementById('status').textContent"
                           " === 'session ended' && 'ended'", 5)
    out = json.load(open(tmp + "/screen.json"))
    check(out["rc"] == 0, "record exit 0 (%s)" % out["stderr"][-200:])
    holds = [int(h) for h, _, _ in samples]
    arcs = [float(a.split()[0]) for _, a, _ in samples]
    i30 = next((i for i, h in enumerate(holds) if h >= 30), None)
    check(i30 is not None and any(0 < h < 30 for h in holds[:i30]),
          "the page's hold timer ran from under 30 s past 30 s: %s"
          % sorted(set(holds))[-8:])
    check(i30 is not None and arcs[i30] > max(
        [a for h, a in zip(holds[:i30], arcs[:i30]) if h > 0] or [1e9]) - 1e-9
          and arcs[i30] > 0, "the ring grew with the hold")
    check(status == "ended", "the page says the session ended")
    # every terminal redraw against the page's state of the same moment
    by_clock = {}
    for clock, line, place, hold in hist:
        by_clock.setdefault(clock, []).append((line, place, hold))
    # Same clock to the tenth: the same state, or one a few ms of board
    # time apart (the page is sent only the newest state), so the hold
    # may have ticked over (+-1 s) and the place moved (+-0.3 cm).
    matched = placed = 0
    bad = []
    for s in out["snaps"]:
        m = re.search(r"session (\d+:\d\d\.\d) ", s[0])
        ln = re.search(r"line (\w+|\?)(~?)  place (\d+\.\d) cm(~?)", "\n".join(s))
        h = re.search(r"HOLD (\d+) s", "\n".join(s))
        if not m or m.group(1) not in by_clock:
            continue
        matched += 1
        want_line = ln.group(1) + ln.group(2) if ln else "-"
        want_place = float(ln.group(3)) if ln else None

        def same(line, place, hold):
            if line != want_line or abs(int(hold) - int(h.group(1))) > 1:
                return False
            if want_place is None:
                return not re.match(r"\d", place)
            pm = re.match(r"(\d+\.\d) cm(~?)", place)
            return (pm and abs(float(pm.group(1)) - want_place) <= 0.3 and
                    pm.group(2) == ln.group(4))

        if ln:
            placed += 1
        if not any(same(*x) for x in by_clock[m.group(1)]):
            bad.append("at %s the terminal shows line %s place %s hold %s, "
                       "the page %s" % (m.group(1), want_line, want_place,
                                        h.group(1), by_clock[m.group(1)]))
    check(matched >= 20 and placed >= 5 and not bad,
          "terminal and page agree on line, place and hold in %d of %d "
          "redraws compared (%d placed on the calf) %s"
          % (matched - len(bad), matched, placed, bad[:3]))
    lat.sort()
    if lat:
        print("info latency rollmap -> page: %d updates, p50 %d ms, p99 %d "
              "ms, max %d ms" % (len(lat), lat[len(lat) // 2],
                                 lat[int(len(lat) * 0.99)], lat[-1]))


def http(url, method="GET", headers=None):
    req = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def raw(host, port, data, timeout=5):
    s = socket.create_connection((host, port), timeout)
    s.sendall(data)
    try:
        reply = s.recv(4096)
    except OSError:
        reply = b""
    s.close()
    return reply


def guard(build):
    rollmap = os.environ.get("ROLLMAP", build + "/rollmap")
    tmp = os.environ["TMPDIR_TEST"]
    # the frames record keeps of the same board without --web
    subprocess.run([rollmap, "record", "--sim=stress", "--no-realtime",
                    "--duration", "24", "--quiet", "-o", tmp + "/ref.wav"],
                   capture_output=True)
    ref = re.search(r"frames:\s+(\d+)", subprocess.run(
        [rollmap, "info", tmp + "/ref.wav"], capture_output=True,
        text=True).stdout).group(1)
    # 127.0.0.2 is not 127.0.0.1: a token is required (and the test never
    # listens beyond this machine). 32 cells at 1 kHz, 24 s.
    p = subprocess.Popen([rollmap, "record", "--sim=stress", "--duration",
                          "24", "--quiet", "-o", tmp + "/g.wav", "--web",
                          "127.0.0.2:0"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    line = p.stderr.readline().decode()
    while "live view" not in line and line:
        line = p.stderr.readline().decode()
    m = re.search(r"http://127\.0\.0\.2:(\d+)/\?t=([0-9a-f]{32}) ", line)
    if not check(m is not None, "the URL with a 32-digit token: " + line):
        p.kill()
        return
    port, token = int(m.group(1)), m.group(2)
    base = "http://127.0.0.2:%d" % port
    st, hd, body = http(base + "/")
    check(st == 403, "no token: %d" % st)
    st, _, _ = http(base + "/?t=" + "0" * 32)
    check(st == 403, "wrong token: %d" % st)
    st, _, _ = http(base + "/events?t=" + token[:-1])
    check(st == 403, "token one digit short, on /events: %d" % st)
    st, hd, body = http(base + "/?t=" + token)
    check(st == 200 and hd["Content-Type"].startswith("text/html"),
          "with the token: the page")
    text = body.decode()
    ext = re.findall(r"""(?:src|href)\s*=\s*["']?[a-z]+:|@import|url\(""",
                     text)
    check("EventSource" in text and not ext,
          "the page is self-contained (nothing fetched from elsewhere)")
    st, _, body = http(base + "/state?t=" + token)
    check(st == 200 and "clock" in json.loads(body), "/state is the state")
    for method in ("POST", "PUT", "DELETE"):
        st, _, _ = http(base + "/state?t=" + token, method=method)
        check(st == 405, "%s: %d (read-only)" % (method, st))
    st, _, _ = http(base + "/../../etc/passwd?t=" + token)
    check(st in (400, 404), "a path outside: %d" % st)
    st, _, _ = http(base + "/tare?t=" + token)
    check(st == 404, "no endpoint talks to the board: %d" % st)
    st, _, _ = http(base + "/?t=" + token, headers={"X-Pad": "a" * 20000})
    check(400 <= st < 500, "a 20 kB header: %d" % st)
    st, _, _ = http(base + "/?t=" + token + "&x=" + "b" * 20000)
    check(400 <= st < 500, "a 20 kB URL: %d" % st)
    for bad in (b"GET /?t=%s HTTP/1.1\r\nHost: x\r\nno colon\r\n\r\n",
                b"GET /?t=%s HTTP/1.1\r\n\r\n"):
        r = raw("127.0.0.2", port, bad % token.encode())
        check(re.match(rb"HTTP/1\.1 400 ", r) is not None,
              "malformed (%s): %s" % (bad[-20:], r.split(b"\r\n")[0]))
    # a request line libmicrohttpd cannot parse: closed, nothing served
    r = raw("127.0.0.2", port, b"GARBAGE\r\n\r\n")
    check(r == b"" or re.match(rb"HTTP/1\.1 4\d\d ", r) is not None,
          "garbage: closed or 4xx")
    r = raw("127.0.0.2", port, b"GET /?t=%s HTTP/1.1\r\nHost: x\r\n"
            b"Content-Length: 100000\r\n\r\n" % token.encode() + b"x" * 1000)
    check(re.match(rb"HTTP/1\.1 4\d\d ", r) is not None,
          "GET with a body: " + r.split(b"\r\n")[0].decode(errors="replace"))
    # viewers that stop reading: tiny receive buffers, never read
    stalled = []
    for _ in range(5):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
        s.connect(("127.0.0.2", port))
        s.sendall(b"GET /events?t=%s HTTP/1.1\r\nHost: x\r\n\r\n"
                  % token.encode())
        stalled.append(s)
    # and 20 that read
    readers = []
    for _ in range(20):
        s = socket.create_connection(("127.0.0.2", port), 5)
        s.sendall(b"GET /events?t=%s HTTP/1.1\r\nHost: x\r\n\r\n"
                  % token.encode())
        readers.append(s)
    got = [0] * len(readers)
    end = time.monotonic() + 20
    import select
    while time.monotonic() < end and p.poll() is None:
        r, _, _ = select.select(readers, [], [], 0.2)
        for s in r:
            got[readers.index(s)] += len(s.recv(65536))
    check(min(got) > 100000, "20 viewers each got the stream (least %d "
          "bytes in 20 s)" % min(got))
    # a stalled viewer has been dropped by now: reading finds the end
    dropped = 0
    for s in stalled:
        s.settimeout(0.5)
        try:
            while True:
                d = s.recv(1 << 20)
                if not d:
                    dropped += 1
                    break
        except ConnectionResetError:
            dropped += 1
        except socket.timeout:
            pass
        s.close()
    check(dropped == 5, "viewers that stopped reading were dropped (%d of 5)"
          % dropped)
    p.wait(timeout=30)
    err = p.stderr.read().decode()
    for s in readers:
        s.close()
    m = re.search(r"(\d+) frames \(.*lost (\d+) in gaps", err)
    check(p.returncode == 0 and m and m.group(1) == ref and
          m.group(2) == "0", "record kept every frame (%s as without --web): "
          % ref + (m.group(0) if m else err[-300:]))
    info = subprocess.run([rollmap, "info", tmp + "/g.wav"],
                          capture_output=True, text=True).stdout
    check(re.search(r"frames:\s+%s\b" % ref, info) and
          re.search(r"dropped:\s+0\b", info), "the file holds %s frames,"
          " none dropped" % ref)


def main():
    what, build = sys.argv[1], sys.argv[2]
    {"dom": dom, "guard": guard}[what](build)
    sys.exit(1 if fails else 0)


main()
