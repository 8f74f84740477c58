#!/usr/bin/python3
"""A small Chrome DevTools Protocol client over --remote-debugging-pipe
(fd 3: commands in, fd 4: replies out, NUL-terminated JSON): headless
Chromium with no websocket library.

  with Browser() as b:
      page = b.open("http://127.0.0.1:8080/")
      page.eval("document.title")
"""
import json
import os
import shutil
import subprocess
import tempfile
import time


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class Page:
    def __init__(self, browser, session):
        self.b, self.session = browser, session

    def eval(self, expr):
        r = self.b.call("Runtime.evaluate",
                        {"expression": expr, "returnByValue": True},
                        self.session)
        if "exceptionDetails" in r:
            raise RuntimeError(str(r["exceptionDetails"])[:300])
        return r["result"].get("value")


    def wait(self, expr, timeout=20):
        """Poll @expr until it is truthy; its value, or TimeoutError."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                v = self.eval(expr)
                if v:
                    return v
            except RuntimeError:
                pass
            time.sleep(0.05)
        raise TimeoutError(expr)


class Browser:
    def __init__(self):
        exe = chromium()
        if not exe:
            raise FileNotFoundError("no chromium")
        self.profile = tempfile.mkdtemp(prefix="rm-cdp.")
        to_r, to_w = os.pipe()
        from_r, from_w = os.pipe()

        def child():
            # the pipe ends onto 3 and 4, whatever numbers they had
            a, b = os.dup(to_r), os.dup(from_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            [exe, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--disable-background-timer-throttling",
             "--disable-renderer-backgrounding",
             "--user-data-dir=" + self.profile, "--remote-debugging-pipe",
             "about:blank"],
            # close_fds would run after child() and close 3 and 4 again
            preexec_fn=child, close_fds=False,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_r)
        os.close(from_w)
        self.w, self.r = to_w, from_r
        self.buf = b""
        self.next_id = 0

    def call(self, method, params=None, session=None, timeout=30):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.w, json.dumps(msg).encode() + b"\0")
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            while b"\0" in self.buf:
                raw, self.buf = self.buf.split(b"\0", 1)
                reply = json.loads(raw)
                if reply.get("id") == self.next_id:
                    if "error" in reply:
                        raise RuntimeError(method + ": " + str(reply["error"]))
                    return reply.get("result", {})
            data = os.read(self.r, 1 << 20)
            if not data:
                raise RuntimeError("chromium went away")
            self.buf += data
        raise TimeoutError(method)

    def open(self, url):
        t = self.call("Target.createTarget", {"url": url})["targetId"]
        s = self.call("Target.attachToTarget",
                      {"targetId": t, "flatten": True})["sessionId"]
        return Page(self, s)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        try:
            self.call("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.w)
        os.close(self.r)
        shutil.rmtree(self.profile, ignore_errors=True)
