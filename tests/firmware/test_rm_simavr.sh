#!/bin/sh
# rm-simavr as a pipe: PING, IDENTIFY, START on stdin; on stdout the acks,
# the rev A descriptor and about 80 sample frames (1 s of board time after
# stdin closes). Checks the frames with an independent decoder (Python,
# the vector generator's COBS/CRC). Usage: test_rm_simavr.sh BUILD
set -e
build=${1:-build}
tool=$build/tests/firmware/rm-simavr
[ -x "$tool" ] || { echo "FAIL: $tool missing"; exit 1; }
exec /usr/bin/python3 - "$tool" <<'PY'
import importlib.util, struct, subprocess, sys
spec = importlib.util.spec_from_file_location(
    'g', 'tools/gen-vectors/gen_vectors.py')
g = importlib.util.module_from_spec(spec)
spec.loader.exec_module(g)

def cobs_decode(b):
    out, i = bytearray(), 0
    while i < len(b):
        code = b[i]; i += 1
        out += b[i:i + code - 1]; i += code - 1
        if code != 0xFF and i < len(b):
            out.append(0)
    return bytes(out)

cmds = b''.join(g.seal(bytes([t, r]))[0] for t, r in ((1, 1), (2, 2), (3, 3)))
p = subprocess.run([sys.argv[1], '--stdio', '--no-realtime'], input=cmds,
                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                   timeout=120)
frames = []
for raw in p.stdout.split(b'\x00')[:-1]:
    f = cobs_decode(raw)
    body, crc = f[:-2], struct.unpack('<H', f[-2:])[0]
    if g.crc16_ccitt_false(body) != crc:
        sys.exit('FAIL: bad CRC in a frame from the board')
    frames.append(body)
types = [f[0] for f in frames]
acks = [f for f in frames if f[0] == 0x80]
samples = [f for f in frames if f[0] == 0x81]
ok = (types[:3] == [0x80, 0x82, 0x80] and len(acks) == 3 and
      all(a[3] == 0 for a in acks) and len(samples) >= 70)
seqs = [struct.unpack('<I', s[1:5])[0] for s in samples]
ok = ok and seqs == list(range(len(seqs)))
# Frame k carries pattern frame k (test_firmware's source): check cell 0.
for k, s in enumerate(samples):
    u = ((k * 2654435761) & 0xFFFFFFFF) ^ 0
    want = 8388607 if k % 17 == 3 else u % 16777216 - 8388608
    got = int.from_bytes(s[13:16], 'little', signed=True)
    ok = ok and got == want
if not ok:
    sys.exit('FAIL: rm-simavr: types %s, %d samples' % (types[:6], len(samples)))
print('rm-simavr: %d frames from the firmware, %d samples in order and '
      'exact' % (len(frames), len(samples)))
PY
