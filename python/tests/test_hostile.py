"""Bad input never crashes the interpreter: the fuzz corpus of session
files (tests/fuzz/corpus/session), any regression files beside it, and
damaged copies made here (truncated, bytes flipped, headers zeroed)
go through open/frames/blocks/report/analyse in a child interpreter,
which must exit 0 (only RollmapError raised, no signal)."""
import glob
import os
import random
import subprocess
import sys

from conftest import ROOT

CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus", "session")
CHILD = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                     "hostile_child.py")


def corpus_files():
    files = sorted(glob.glob(os.path.join(CORPUS, "*")))
    files += sorted(glob.glob(os.path.join(ROOT, "tests", "fuzz",
                                           "regressions", "session", "*")))
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


def test_corpus_is_there():
    assert len(corpus_files()) >= 3, CORPUS


def test_hostile_files_never_crash(tmp_path):
    rng = random.Random(17)
    files = []
    for src in corpus_files():
        files.append(src)
        files += damaged_copies(src, str(tmp_path), rng)
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
