#!/usr/bin/python3
"""Write the wire-protocol test vectors in tests/vectors/*.hex.

An independent implementation of docs/protocol.md (COBS, CRC-16/CCITT-FALSE,
frame layouts) in plain Python, so the C code in lib/wire/ is checked
against a second reading of the document, not against itself.
Usage: tools/gen-vectors/gen_vectors.py [OUTDIR]   (default tests/vectors)
"""
import os
import struct
import sys

PROTOCOL = 1


def crc16_ccitt_false(data):
    """Bitwise CRC: poly 0x1021, init 0xFFFF, MSB first, no final xor."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def cobs_encode(data):
    """Canonical COBS: a 254-byte run ends a block (code 0xFF); no empty
    block is added after a full block that ends the frame."""
    out = bytearray()
    block = bytearray()
    for i, byte in enumerate(data):
        if byte == 0:
            out.append(len(block) + 1)
            out += block
            block = bytearray()
        else:
            block.append(byte)
            if len(block) == 254 and i + 1 < len(data):
                out.append(0xFF)
                out += block
                block = bytearray()
    out.append(len(block) + 1)
    out += block
    return bytes(out)


def seal(payload):
    crc = crc16_ccitt_false(payload)
    return cobs_encode(payload + struct.pack('<H', crc)) + b'\x00', crc


def i24(v):
    assert -(1 << 23) <= v < (1 << 23)
    return struct.pack('<i', v)[:3]


def sample(seq, time_us, encoder, cells):
    p = bytes([0x81]) + struct.pack('<IIi', seq, time_us, encoder)
    return p + b''.join(i24(c) for c in cells)


def text(s):
    b = s.encode('ascii')
    assert len(b) <= 31
    return bytes([len(b)]) + b


def descriptor(cells, pitch, area, radius, cpr, rate, cal, fw, serial):
    p = bytes([0x82, PROTOCOL, cells])
    p += struct.pack('<fffIf', pitch, area, radius, cpr, rate)
    for scale, tare in cal:
        p += struct.pack('<fi', scale, tare)
    return p + text(fw) + text(serial)


def status(state, flags, counters):
    return bytes([0x83, state, flags]) + struct.pack('<7I', *counters)


def ack(req, cmd, result):
    return bytes([0x80, req, cmd, result, PROTOCOL])


def command(cmd, req, args=b''):
    return bytes([cmd, req]) + args


# Inputs; tests/unit/check_decoder.c repeats them to check decoded fields.
REV_A_CELLS = [0, 1, -1, 8388607, -8388608, 100000, -100000, 0x123456,
               0, 256, 42, -42]
CELLS32 = [(i * 524287) % 16777216 - 8388608 for i in range(32)]

VECTORS = [
    ('sample_rev_a', 'rev A sample: seq 7, t 87500 us, encoder -1234, '
     '12 cells ' + ' '.join(map(str, REV_A_CELLS)),
     sample(7, 87500, -1234, REV_A_CELLS)),
    ('sample_32_cells', '32-cell sample: seq 0xFFFFFFFF, t 4294967295 us, '
     'encoder 2147483647, cell i = (i * 524287) mod 2^24 - 2^23',
     sample(0xFFFFFFFF, 0xFFFFFFFF, 2147483647, CELLS32)),
    ('descriptor_rev_a', 'rev A descriptor: 12 cells, 20 mm pitch, 700 mm^2,'
     ' 72 mm radius, 2400 cpr, 80 Hz, scale 1e-4 N/count, tare 0, '
     '"rollmap-fw 0.1.0", "REVA-0000"',
     descriptor(12, 20.0, 700.0, 72.0, 2400, 80.0, [(1e-4, 0)] * 12,
                'rollmap-fw 0.1.0', 'REVA-0000')),
    ('descriptor_32_cells', '32-cell 1 kHz board: 10 mm pitch, 100 mm^2, '
     '50 mm radius, 4096 cpr, 1000 Hz, cell i scale (i+1)*1e-5, tare '
     '-1000*i, 31-char firmware and serial strings (the longest frame)',
     descriptor(32, 10.0, 100.0, 50.0, 4096, 1000.0,
                [((i + 1) * 1e-5, -1000 * i) for i in range(32)],
                'F' * 31, 'S' * 31)),
    ('status', 'status: streaming, flags 1, uptime 61000 ms, 4800 sent, '
     '2 dropped, 1 ADC overrun, 0 UART overflows, 3 encoder errors, '
     '0 rx errors',
     status(1, 1, [61000, 4800, 2, 1, 0, 3, 0])),
    ('ack_ping_ok', 'ack: request 1, PING, ok', ack(1, 0x01, 0)),
    ('ack_set_rate_busy', 'ack: request 9, SET_RATE, busy', ack(9, 0x06, 3)),
    ('cmd_ping', 'PING, request 1', command(0x01, 1)),
    ('cmd_identify', 'IDENTIFY, request 2', command(0x02, 2)),
    ('cmd_start', 'START, request 3', command(0x03, 3)),
    ('cmd_stop', 'STOP, request 4', command(0x04, 4)),
    ('cmd_tare', 'TARE, request 5, 16 conversions',
     command(0x05, 5, bytes([16]))),
    ('cmd_set_rate', 'SET_RATE, request 6, 40 Hz',
     command(0x06, 6, struct.pack('<H', 40))),
    ('cmd_set_cal', 'SET_CAL, request 7, cell 3, scale 1.25e-4 N/count, '
     'tare -5000', command(0x07, 7, bytes([3]) +
                           struct.pack('<fi', 1.25e-4, -5000))),
    ('cmd_store_cal', 'STORE_CAL, request 8', command(0x08, 8)),
    ('cmd_get_status', 'GET_STATUS, request 0', command(0x09, 0)),
]


def hexline(b):
    return ' '.join('%02x' % x for x in b)


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else 'tests/vectors'
    os.makedirs(outdir, exist_ok=True)
    for name, what, payload in VECTORS:
        wire, crc = seal(payload)
        with open(os.path.join(outdir, name + '.hex'), 'w') as f:
            f.write('# rollmap wire protocol %d test vector: %s\n' %
                    (PROTOCOL, name))
            f.write('# %s\n' % what)
            f.write('# generated by tools/gen-vectors/gen_vectors.py; '
                    'see docs/protocol.md\n')
            f.write('payload: %s\n' % hexline(payload))
            f.write('crc: %04x\n' % crc)
            f.write('wire: %s\n' % hexline(wire))
    # The CRC check value the document states.
    assert crc16_ccitt_false(b'123456789') == 0x29B1


if __name__ == '__main__':
    main()
