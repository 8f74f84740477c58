#!/usr/bin/python3
"""Writes a hostile copy of a rollmap session: the same file with wild
values put into the encoder, time or sequence channel (or the cells) of
a share of its frames, as a corrupted or crafted file would carry.

Usage: hostile_session.py IN.wav OUT.wav KIND SHARE [SEED]
  KIND   enc | time | seq | cells | all (enc, time and seq together)
         | toggle (in a share of the frames, every other run of 4 frames
         gets the first frame's cells: contact made and lost all along,
         hundreds of short stretches) | toggle-roll (the same, but the
         loaded runs carry the session's heaviest frame and roll 2/3 of
         the believable step per frame: every stretch a short pass)
         | enc-max | enc-min | seq-jump | time-jump (one wild value, in
         the middle frame: +2^31-1, -2^31, +2^31 frames, +2^32-1 us)
  SHARE  share of frames made wild, 0..1 (ignored by the one-value kinds)
Used by tests/robust/test_bounded.sh. The 'rmap' chunk is left as it is
(its CRC covers the metadata, not the samples)."""
import os
import random
import struct
import sys

# toggle-roll: frames loaded, then unloaded, per cycle; encoder counts per
# loaded frame (rev A: 100 counts = 1.9 cm, half the believable step).
TOGGLE_ON = int(os.environ.get('HOSTILE_ON', '4'))
TOGGLE_OFF = int(os.environ.get('HOSTILE_OFF', '4'))
STEP = int(os.environ.get('HOSTILE_STEP', '100'))


def chunks(b):
    pos = 12
    while pos + 8 <= len(b):
        cid = b[pos:pos + 4]
        size = struct.unpack('<I', b[pos + 4:pos + 8])[0]
        yield cid, pos + 8, size
        pos += 8 + size + (size & 1)


def main():
    src, dst, kind = sys.argv[1], sys.argv[2], sys.argv[3]
    share = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
    rng = random.Random(int(sys.argv[5]) if len(sys.argv) > 5 else 1)
    b = bytearray(open(src, 'rb').read())
    if b[:4] != b'RIFF' or b[8:12] != b'WAVE':
        sys.exit('hostile_session: not a WAV: ' + src)
    ch = data = None
    for cid, off, size in chunks(b):
        if cid == b'fmt ':
            ch = struct.unpack('<H', b[off + 2:off + 4])[0]
        elif cid == b'data':
            data = (off, min(size, len(b) - off))
    if not ch or not data or ch < 4:
        sys.exit('hostile_session: no fmt/data chunk in ' + src)
    cells = ch - 3
    frame = 4 * ch
    n = data[1] // frame
    at = lambda k, c: data[0] + k * frame + 4 * c  # noqa: E731

    def get(k, c):
        return struct.unpack('<I', b[at(k, c):at(k, c) + 4])[0]

    def put(k, c, v):
        b[at(k, c):at(k, c) + 4] = struct.pack('<I', v & 0xffffffff)

    enc, tim, seq = cells, cells + 1, cells + 2
    one = {'enc-max': (enc, None), 'enc-min': (enc, None),
           'seq-jump': (seq, None), 'time-jump': (tim, None)}
    if kind in one:
        k = n // 2
        if kind == 'enc-max':
            put(k, enc, 0x7fffffff)
        elif kind == 'enc-min':
            put(k, enc, 0x80000000)
        elif kind == 'seq-jump':
            # Every later frame moves too: one jump, not one odd frame.
            for j in range(k, n):
                put(j, seq, get(j, seq) + 0x80000000)
        else:
            for j in range(k, n):
                put(j, tim, get(j, tim) + 0xffffffff)
    elif kind == 'toggle':
        rest = [get(0, c) for c in range(cells)]
        for k in range(int(n * (1 - share)), n):
            if (k // 4) % 2:
                for c in range(cells):
                    put(k, c, rest[c])
    elif kind == 'toggle-roll':
        rest = [get(0, c) for c in range(cells)]
        sums = [sum(struct.unpack('<i', struct.pack('<I', get(k, c)))[0]
                    for c in range(cells)) for k in range(n)]
        heavy = [get(sums.index(max(sums)), c) for c in range(cells)]
        e = get(0, enc)
        on, off = TOGGLE_ON, TOGGLE_OFF
        for k in range(int(n * (1 - share)), n):
            load = k % (on + off) < on
            for c in range(cells):
                put(k, c, heavy[c] if load else rest[c])
            e += STEP if load else 0
            put(k, enc, e)
    else:
        chans = {'enc': [enc], 'time': [tim], 'seq': [seq],
                 'all': [enc, tim, seq],
                 'cells': list(range(cells))}.get(kind)
        if chans is None:
            sys.exit('hostile_session: unknown kind ' + kind)
        for k in range(n):
            if rng.random() < share:
                for c in chans:
                    put(k, c, rng.getrandbits(32))
    open(dst, 'wb').write(b)


if __name__ == '__main__':
    main()
