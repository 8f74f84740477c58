#!/bin/sh
# Bad session files and bad command lines, each with the exit code and
# message rollmap must give (the table in docs/robustness.md). Files are
# made here: not a WAV, empty, truncated, a WAV without 'rmap', floats
# instead of PCM-32, a corrupt 'rmap' CRC, a newer format version, a
# FIFO, a directory. $1: build directory; $ROLLMAP: the CLI.
set -u
R=${ROLLMAP:-$1/rollmap}
PY=/usr/bin/python3
tmp=$(mktemp -d /tmp/rollmap-badfiles.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fails=0
ok()   { echo "ok   $*"; }
fail() { echo "FAIL $*"; fails=$((fails + 1)); }

# expect CODE PATTERN CMD...: exit code CODE within 10 s, stderr matching
# PATTERN (grep -E), and nothing on stdout for a failure.
expect() {
    code=$1 pat=$2; shift 2
    timeout 10 "$R" "$@" >out.txt 2>err.txt
    rc=$?
    if [ $rc = 124 ]; then
        fail "$*: hung (killed after 10 s)"
    elif [ $rc != "$code" ]; then
        fail "$*: exit $rc, expected $code: $(head -2 err.txt)"
    elif [ -n "$pat" ] && ! grep -Eq "$pat" err.txt; then
        fail "$*: message '$(head -1 err.txt)' lacks /$pat/"
    elif [ "$code" != 0 ] && [ -s out.txt ]; then
        fail "$*: printed data on failure"
    else
        ok "$(echo "$*" | cut -c1-60) -> $code: $(head -1 err.txt | cut -c1-100)"
    fi
}

"$R" sim short --duration 2 -q -o good.wav || { echo "FAIL sim"; exit 1; }
head -c 20000 /dev/urandom >random.wav
: >empty.wav
head -c 60 good.wav >truncated-header.wav
mkfifo fifo.wav
mkdir dir.wav
"$PY" - <<'PY'
import struct, numpy as np, soundfile as sf
sf.write('plain.wav', np.zeros((80, 15), dtype='int32'), 80, subtype='PCM_32')
sf.write('float.wav', np.zeros((80, 15), dtype='float32'), 80, subtype='FLOAT')
b = bytearray(open('good.wav', 'rb').read())
i = b.find(b'rmap')
size = struct.unpack('<I', b[i+4:i+8])[0]
body = i + 8
def save(name, data): open(name, 'wb').write(data)
crc = bytearray(b); crc[body + 20] ^= 0x40            # inside the chunk
save('rmap-crc.wav', crc)
import zlib
newer = bytearray(b); newer[body + 4:body + 8] = struct.pack('<HH', 2, 0)
total = struct.unpack('<I', newer[body + 8:body + 12])[0]
newer[body + total - 4:body + total] = struct.pack('<I', zlib.crc32(bytes(newer[body:body + total - 4])))
save('rmap-v2.wav', newer)
cells = bytearray(b); cells[body + 12:body + 16] = struct.pack('<I', 40)
cells[body + total - 4:body + total] = struct.pack('<I', zlib.crc32(bytes(cells[body:body + total - 4])))
save('rmap-cells.wav', cells)
PY

expect 0 ''                                          info good.wav
expect 3 'not a WAV file'                            info random.wav
expect 3 'not a WAV file'                            info empty.wav
expect 3 'not a WAV file|rmap'                       info truncated-header.wav
expect 3 "no 'rmap' chunk"                           info plain.wav
expect 3 'not 32-bit integer PCM'                    report float.wav
expect 3 'CRC mismatch'                              report rmap-crc.wav
expect 3 'version 2\.0'                              replay -q rmap-v2.wav
expect 3 'cell count 40'                             trend rmap-cells.wav
expect 1 'not a regular file'                        info fifo.wav
expect 1 'not a regular file'                        report dir.wav
expect 1 'No such file'                              info missing.wav
# Command lines.
expect 2 'unknown|unrecognized|invalid'              report --frobnicate good.wav
expect 2 'not a number'                              sim short --duration 1e999 -o x.wav
expect 2 'not a non-negative integer'                sim short --seed -3 -o x.wav
expect 2 "not left or right"                         record --sim --leg middle -o x.wav
expect 2 'longer than'                               record --sim --notes "$(head -c 2000 /dev/zero | tr '\0' a)" -o x.wav
expect 2 'unknown format'                            report -f pdf good.wav
expect 1 'exists'                                    sim short -q -o good.wav
expect 2 'is the input file'                         report -o good.wav good.wav
expect 1 'No such file|cannot create'                report -o no/such/dir/r.txt good.wav
[ ! -e x.wav ] && ok "no x.wav left by refused commands" || fail "x.wav created"

# A tiny positive --speed once overflowed the pacing arithmetic (UB) or
# slept for ever (host/cmd_replay.c; fixed by its owner).
expect 2 'too slow'                                  replay -q --speed 1e-9 good.wav
expect 2 'too slow'                                  replay -q --speed 1e-300 good.wav

[ "$fails" -eq 0 ] && echo "bad files: ok" || echo "bad files: $fails failed"
[ "$fails" -eq 0 ]
