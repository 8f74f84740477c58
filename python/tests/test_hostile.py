"""Bad input never crashes the interpreter: the fuzz corpus of session
files (tests/fuzz/corpus/session), its regression inputs
(tests/fuzz/crashes/session, when there are any), and
damaged copies made here (truncated, bytes flipped, headers zeroed)
go through open/frames/blocks/report/analyse in a child interpreter,
which must exit 0 (only RollmapError raised, no signal)."""
import glob
import os
import random
import struct
import subprocess
import sys
import zlib

from conftest import ROOT

CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus", "session")
CHILD = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                     "hostile_child.py")


def corpus_files():
    files = sorted(glob.glob(os.path.join(CORPUS, "*")))
    # Inputs that once broke fuzz_session stay in crashes/ (README there).
    files += sorted(glob.glob(os.path.join(ROOT, "tests", "fuzz",
                                           "crashes", "session", "*")))
    return [f for f in files if os.path.isfile(f)]


def damaged_copies(src, out_dir, rng):
    data = open(src, "rb").read()
    name = os.path.basename(src)
    made = []

    def put(tag, blob):
        p = os.path.join(out_dir, "%s.%s" % (name, tag))
        with open(p, "wb") as f:
            f.write(blob)
        made.append(p)
    for cut in (0, 4, 12, 44, 100, len(data) // 2, len(data) - 1):
        put("cut%d" % cut, data[:cut])
    for i in range(12):
        b = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        put("flip%d" % i, bytes(b))
    for i in range(4):                            # flips inside the header
        b = bytearray(data)
        b[rng.randrange(min(len(b), 600))] ^= 1 << rng.randrange(8)
        put("hdr%d" % i, bytes(b))
    put("zeros", bytes(len(data)))
    put("huge-data-size", data[:40] + b"\xff\xff\xff\x7f" + data[44:])
    return made


def with_rmap(wav, payload):
    """wav with its 'rmap' chunk's bytes replaced by payload (RIFF sizes
    fixed up), so the fuzz_rmap corpus reaches the metadata decoder
    through a file libsndfile opens."""
    out, pos = [wav[:12]], 12
    while pos + 8 <= len(wav):
        cid, size = wav[pos:pos + 4], struct.unpack("<I", wav[pos + 4:pos + 8])[0]
        body = wav[pos + 8:pos + 8 + size]
        if cid == b"rmap":
            body = payload
        out.append(cid + struct.pack("<I", len(body)) + body +
                   (b"\0" if len(body) % 2 else b""))
        pos += 8 + size + (size % 2)
    blob = b"".join(out)
    return blob[:4] + struct.pack("<I", len(blob) - 8) + blob[8:]


def rmap_corpus_files(base, out_dir):
    """The fuzz_rmap corpus, each input as a session's 'rmap' chunk. As
    in fuzz_rmap.c, an odd first byte means: repair the CRC-32 first."""
    wav = open(base, "rb").read()
    made = []
    for src in sorted(glob.glob(os.path.join(ROOT, "tests", "fuzz",
                                             "corpus", "rmap", "*"))):
        data = open(src, "rb").read()
        if not data:
            continue
        chunk = bytearray(data[1:])
        if data[0] & 1 and len(chunk) >= 12:
            total = struct.unpack("<I", chunk[8:12])[0]
            if 4 <= total <= len(chunk):
                chunk[total - 4:total] = struct.pack(
                    "<I", zlib.crc32(bytes(chunk[:total - 4])))
        p = os.path.join(out_dir, "rmap-" + os.path.basename(src) + ".wav")
        with open(p, "wb") as f:
            f.write(with_rmap(wav, bytes(chunk)))
        made.append(p)
    return made


def test_corpus_is_there():
    assert len(corpus_files()) >= 3, CORPUS


def test_hostile_files_never_crash(tmp_path):
    rng = random.Random(17)
    files = []
    for src in corpus_files():
        files.append(src)
        files += damaged_copies(src, str(tmp_path), rng)
    files += rmap_corpus_files(corpus_files()[0], str(tmp_path))
    (tmp_path / "text.wav").write_text("RIFF but not really\n")
    files.append(str(tmp_path / "text.wav"))
    os.mkdir(tmp_path / "dir.wav")
    files.append(str(tmp_path / "dir.wav"))
    r = subprocess.run([sys.executable, CHILD, *files], capture_output=True,
                       text=True, timeout=600)
    assert r.returncode == 0, (r.returncode, r.stdout[-3000:],
                               r.stderr[-3000:])
    lines = r.stdout.splitlines()
    assert len(lines) == len(files)
    # The corpus's own files are valid sessions; the damage gets refused.
    assert any("open ok" in ln for ln in lines)
    assert any("open RM_ERR_FORMAT" in ln for ln in lines)
    # Some rmap corpus chunks are valid metadata: the splice works.
    assert any("/rmap-" in ln and "open ok" in ln for ln in lines)
