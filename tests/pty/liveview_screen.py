#!/usr/bin/python3
"""Drive a rollmap command on a pseudo-terminal of a given size and replay
its output through pyte, a terminal emulator: what a person would see.
A snapshot is kept each time a redraw has been received whole (the
output so far ends a line the view wrote), never half-way through.

  liveview_screen.py COLS ROWS SECONDS [--resize COLS@SEC] [--env K=V]
                     [--keep FILE] [--int] -- CMD...

Prints JSON: the final screen's lines, the longest printed line (columns,
escape codes removed), every distinct screen seen (snapshots), whether
SGR colour codes appeared, the exit status and stderr's text. With
--int the command gets SIGINT after SECONDS (else it runs to the end,
killed after 60 s)."""
import fcntl
import json
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time

import pyte

BLOCK = 12  # lines of the view's block (liveview_tty.c)
ESC = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


def set_size(fd, cols, rows):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def main():
    args = sys.argv[1:]
    cut = args.index("--")
    opts, cmd = args[:cut], args[cut + 1:]
    cols, rows, secs = int(opts[0]), int(opts[1]), float(opts[2])
    resize, env, interrupt = None, dict(os.environ), False
    i = 3
    while i < len(opts):
        if opts[i] == "--resize":
            c, t = opts[i + 1].split("@")
            resize = (int(c), float(t))
            i += 2
        elif opts[i] == "--env":
            k, v = opts[i + 1].split("=", 1)
            env[k] = v
            i += 2
        elif opts[i] == "--int":
            interrupt = True
            i += 1
        else:
            sys.exit("unknown option " + opts[i])
    env.pop("NO_COLOR", None) if "NO_COLOR" not in dict(
        o.split("=", 1) for o in opts if "=" in o) else None
    master, slave = os.openpty()
    set_size(slave, cols, rows)
    err = open(os.devnull, "wb") if False else subprocess.PIPE
    p = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=err,
                         env=env, start_new_session=True)
    os.close(slave)
    screen = pyte.Screen(cols, rows)
    stream = pyte.ByteStream(screen)
    raw = bytearray()
    snaps, last = [], None
    start = time.monotonic()
    sent_int = False
    resized = marked = False
    resize_snap = None
    while True:
        now = time.monotonic() - start
        if interrupt and not sent_int and now >= secs:
            p.send_signal(signal.SIGINT)
            sent_int = True
        if resize and not resized and now >= resize[1]:
            set_size(master, resize[0], rows)
            screen.resize(rows, resize[0])
            p.send_signal(signal.SIGWINCH)
            resized = True
            resize_snap = len(snaps)
        # Output already on its way at the old width is not the view's
        # doing: widths count from 0.3 s after the resize.
        if resized and not marked and now >= resize[1] + 0.3:
            raw += b"\n--resized--\n"
            marked = True
        if now > 60:
            p.kill()
        r, _, _ = select.select([master], [], [], 0.05)
        if r:
            try:
                data = os.read(master, 65536)
            except OSError:
                data = b""
            if not data:
                break
            raw += data
            # Fed a line at a time, so a redraw that ends mid-chunk (then
            # the summary) is seen whole too.
            for seg in re.split(rb"(?<=\n)", data):
                if not seg:
                    continue
                stream.feed(seg)
                # a whole redraw: its last line written, cursor under it
                if seg.endswith((b"\x1b[K\n", b"\x1b[K\r\n")) and \
                        screen.cursor.y == BLOCK:
                    disp = [l.rstrip() for l in screen.display]
                    if disp != last:
                        snaps.append(disp)
                        last = disp
        elif p.poll() is not None:
            break
    p.wait()
    stderr = p.stderr.read().decode("utf-8", "replace")
    # widest printed line after the resize (or over all when none)
    part = raw.split(b"--resized--")[-1]
    widest = 0
    for line in part.split(b"\n"):
        if b"\x1b[K" not in line:
            continue  # not the view's (the summary after it)
        vis = ESC.sub(b"", line).replace(b"\r", b"").replace(b"\x07", b"")
        widest = max(widest, len(vis))
    colour = bool(re.search(rb"\x1b\[[0-9;]*(4[0-9]|10[0-9]|3[0-9])[;m]", raw))
    json.dump({"screen": [l.rstrip() for l in screen.display],
               "snaps": snaps, "resize_snap": resize_snap, "widest": widest, "colour": colour,
               "bells": raw.count(b"\x07"), "rc": p.returncode,
               "stderr": stderr}, sys.stdout)


main()
