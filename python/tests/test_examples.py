"""examples/python/ run as a user runs them, on simulated sessions."""
import csv
import os
import subprocess
import sys

import pytest

import rollmap
from conftest import ROOT

EX = os.path.join(ROOT, "examples", "python")


def run(script, *args):
    return subprocess.run([sys.executable, os.path.join(EX, script), *args],
                          capture_output=True, text=True, timeout=300)


def test_calf_map_png(make_session, tmp_path):
    pytest.importorskip("matplotlib")
    wav = make_session("holds", 7)[0]
    png = tmp_path / "calf.png"
    r = run("calf_map.py", wav, "-o", str(png))
    assert r.returncode == 0, r.stderr
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000


def test_calf_map_bad_file(tmp_path):
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF" + bytes(60))
    r = run("calf_map.py", str(bad), "-o", str(tmp_path / "x.png"))
    assert r.returncode == 3 and "bad.wav" in r.stderr
    assert not (tmp_path / "x.png").exists()


def test_holds_table_of_many_sessions(make_session, tmp_path):
    pytest.importorskip("pandas")
    wavs = [make_session("holds", seed)[0] for seed in (1, 2, 3)]
    out = tmp_path / "holds.csv"
    r = run("holds_table.py", *wavs, "-o", str(out))
    assert r.returncode == 0, r.stderr
    with open(out) as f:
        rows = list(csv.DictReader(f))
    want = sum(len(rollmap.report(w)["holds"]) for w in wavs)
    assert len(rows) == want > 0
    assert {row["session"] for row in rows} == set(wavs)
    assert "pin_and_stretch" in r.stdout
