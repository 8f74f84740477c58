#!/usr/bin/env python3
"""A misbehaving rollmap board, written from docs/protocol.md alone.

Runs `rollmap record -p - ...` with its stdin/stdout as the link and plays
the board, misbehaving as MODE says; prints rollmap's exit code and
stderr, and what the board saw, as JSON on stdout for the shell test.

  fake_board.py MODE ROLLMAP ARGS...

MODE: ok, bad_cells (every sample frame has one cell too many),
desc_cells0, desc_cells33, desc_version2, desc_radius, desc_rate5,
desc_longstring, ack_version0, no_start_ack, hup (SIGHUP after 1 s),
int_during_start (no START ack; SIGINT 0.3 s into the retries),
unknown_type (a frame of type 0x90 every 10 samples);
calib_fall runs `rollmap calibrate` instead, and from the second stream
on every reading falls by 5000 counts (a cell wired reversed).
"""
import json
import os
import signal
import struct
import subprocess
import sys
import threading
import time


def crc16(data):
    crc = 0xFFFF
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def cobs(data):
    out = bytearray()
    block = bytearray()
    for b in data:
        if b == 0:
            out += bytes([len(block) + 1]) + block
            block = bytearray()
        else:
            block.append(b)
            if len(block) == 254:
                out += b"\xff" + block
                block = bytearray()
    out += bytes([len(block) + 1]) + block
    return bytes(out)


def uncobs(data):
    out = bytearray()
    i = 0
    while i < len(data):
        code = data[i]
        out += data[i + 1:i + code]
        i += code
        if code != 0xFF and i < len(data):
            out.append(0)
    return bytes(out)


def frame(payload):
    return cobs(payload + struct.pack("<H", crc16(payload))) + b"\x00"


def text(s):
    return bytes([len(s)]) + s


def descriptor(mode, cells=4, rate=80.0):
    version = 2 if mode == "desc_version2" else 1
    n = {"desc_cells0": 0, "desc_cells33": 33}.get(mode, cells)
    radius = -3.0 if mode == "desc_radius" else 20.0
    if mode == "desc_rate5":
        rate = 5.0
    p = struct.pack("<BBBfffIf", 0x82, version, n, 18.0, 80.0, radius,
                    4096, rate)
    for _ in range(max(n, 0)):
        p += struct.pack("<fi", 0.01, 1000)
    fw = b"F" * 32 if mode == "desc_longstring" else b"fake-fw 1"
    return p + text(fw) + text(b"FAKE-1")


def sample(seq, t_us, cells, offset=0):
    p = struct.pack("<BIIi", 0x81, seq, t_us & 0xFFFFFFFF, seq * 3)
    for i in range(cells):
        p += struct.pack("<i", 2000 + 10 * i + offset)[:3]
    return p


class Board:
    def __init__(self, mode, proc):
        self.mode = mode
        self.proc = proc
        self.cells = 4
        self.streaming = False
        self.streams = 0
        self.seen = []
        self.lock = threading.Lock()
        self.alive = True

    def send(self, payload):
        try:
            with self.lock:
                self.proc.stdin.write(frame(payload))
                self.proc.stdin.flush()
        except (BrokenPipeError, ValueError, OSError):
            self.alive = False

    def ack(self, cmd, rid, result=0):
        version = 0 if self.mode == "ack_version0" else 1
        self.send(struct.pack("<BBBBB", 0x80, rid, cmd, result, version))

    def status(self):
        self.send(struct.pack("<BBBIIIIIII", 0x83, int(self.streaming), 0,
                              0, 0, 0, 0, 0, 0, 0))

    def command(self, p):
        cmd, rid = p[0], p[1] if len(p) > 1 else 0
        self.seen.append(cmd)
        if cmd == 0x02:
            self.send(descriptor(self.mode, self.cells))
        if cmd == 0x04:
            self.streaming = False
            self.status()
        if cmd == 0x03:
            if self.mode in ("no_start_ack", "int_during_start"):
                return
            self.ack(cmd, rid)
            self.streaming = True
            self.streams += 1
            return
        self.ack(cmd, rid)

    def reader(self):
        buf = bytearray()
        while True:
            b = self.proc.stdout.read1(4096)
            if not b:
                self.alive = False
                return
            for x in b:
                if x == 0:
                    if buf:
                        d = uncobs(bytes(buf))
                        if len(d) >= 3 and crc16(d[:-2]) == struct.unpack(
                                "<H", d[-2:])[0]:
                            self.command(d[:-2])
                    buf = bytearray()
                else:
                    buf.append(x)

    def streamer(self):
        seq = 0
        t0 = time.monotonic()
        while self.alive:
            if self.streaming:
                cells = self.cells + (1 if self.mode == "bad_cells" else 0)
                t = int((time.monotonic() - t0) * 1e6)
                drop = 5000 if (self.mode == "calib_fall" and
                                self.streams >= 2) else 0
                self.send(sample(seq, t, cells, -drop))
                if self.mode == "unknown_type" and seq % 10 == 0:
                    self.send(bytes([0x90, 1, 2, 3]))  # a newer board's
                seq += 1
            time.sleep(1 / 80)


def main():
    mode, rollmap, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    sub = "calibrate" if mode.startswith("calib_") else "record"
    # record refuses to start without knowing the calf (no terminal here).
    leg = ["--leg", "left"] if sub == "record" else []
    proc = subprocess.Popen([rollmap, sub, "-p", "-"] + leg + args,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    t0 = time.monotonic()
    t_int = None
    board = Board(mode, proc)
    threads = [threading.Thread(target=board.reader, daemon=True),
               threading.Thread(target=board.streamer, daemon=True)]
    for t in threads:
        t.start()
    if mode == "hup":
        time.sleep(1.0)
        proc.send_signal(signal.SIGHUP)
    if mode == "int_during_start":
        while 0x03 not in board.seen and time.monotonic() - t0 < 10:
            time.sleep(0.01)
        time.sleep(0.3)
        t_int = time.monotonic()
        proc.send_signal(signal.SIGINT)
    try:
        rc = proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        rc = "hung"
    board.alive = False
    err = proc.stderr.read().decode("utf-8", "replace")
    json.dump({"rc": rc, "stderr": err, "seen": board.seen,
               "streaming_at_end": board.streaming,
               "seconds": round(time.monotonic() - t0, 2),
               "after_int": round(time.monotonic() - t_int, 2)
               if t_int else None}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
