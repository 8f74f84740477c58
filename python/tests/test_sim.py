"""rollmap.sim: the simulator, in memory or to a file, with its truth."""
import json
import subprocess

import numpy as np
import pytest

import rollmap
from conftest import cli_env


def test_sim_in_memory_equals_cli_file(make_session):
    wav, truth = make_session("holds", 4)
    s, t = rollmap.sim("holds", seed=4)
    f = rollmap.open(wav)
    assert s.path is None and s.meta == f.meta
    for a, b in zip(s.frames(), f.frames()):
        assert np.array_equal(a, b)
    with open(truth) as fh:
        assert t == json.load(fh)


def test_sim_to_file_is_the_cli_file(make_session, tmp_path):
    wav, _ = make_session("short", 9)
    s, t = rollmap.sim("short", seed=9, path=tmp_path / "s.wav")
    assert s.path == str(tmp_path / "s.wav")
    assert (tmp_path / "s.wav").read_bytes() == open(wav, "rb").read()
    assert t["scenario"] == "short" and t["seed"] == 9


def test_sim_options(make_session):
    s, t = rollmap.sim("stress", seed=2, duration=3, leg="right")
    assert s.cells == 32 and s.rate_hz == 1000
    assert len(s) <= 3000 and len(s) > 2900
    assert s.meta["leg"] == "right" and t["leg"] == "right"


def test_sim_person_over_days(tmp_path):
    s, t = rollmap.sim("short", person="ana", day=2)
    assert s.meta["person"] == "ana"
    assert t["person"]["id"] == "ana" and t["person"]["day"] == 2
    # The same person whatever the seed; the CLI writes the same file.
    _, t2 = rollmap.sim("short", seed=5, person="ana", day=2)
    assert t2["calf"] == t["calf"] and t2["person"] == t["person"]
    f, _ = rollmap.sim("short", person="ana", day=2, path=tmp_path / "a.wav")
    subprocess.run([cli_env()["ROLLMAP"], "sim", "short", "--person", "ana",
                    "--day", "2", "-q", "-o", str(tmp_path / "b.wav")],
                   check=True, env=cli_env())
    assert (tmp_path / "a.wav").read_bytes() == \
        (tmp_path / "b.wav").read_bytes()
    with pytest.raises(ValueError):
        rollmap.sim("short", person="ana", day=4000)


def test_sim_unknown_scenario():
    with pytest.raises(rollmap.RollmapError) as e:
        rollmap.sim("nonesuch")
    assert e.value.status == -1 and "nonesuch" in e.value.message
    assert "basic" in rollmap.scenarios()


def test_sim_physics_variant_matches_cli(cli, tmp_path):
    names = [n for n in rollmap.physics_variants()
             if n not in ("original", "random")]
    assert names
    wav = tmp_path / "p.wav"
    subprocess.run([cli, "sim", "short", "-o", str(wav), "--seed", "3",
                    "--physics", names[0], "--quiet"], check=True,
                   env=cli_env())
    s, t = rollmap.sim("short", seed=3, physics=names[0])
    plain, _ = rollmap.sim("short", seed=3)
    f = rollmap.open(wav).frames()
    assert np.array_equal(s.frames().cells, f.cells)
    assert not np.array_equal(plain.frames().cells, f.cells)
    with pytest.raises(rollmap.RollmapError):
        rollmap.sim("short", physics="no-such-physics")


def test_record_with_physics(tmp_path):
    names = [n for n in rollmap.physics_variants()
             if n not in ("original", "random")]
    rec = rollmap.record(sim="short", path=tmp_path / "r.wav",
                         realtime=False, seed=3, physics=names[0])
    n = sum(e.n for e in rec if e.kind == "frames")
    mem, _ = rollmap.sim("short", seed=3, physics=names[0])
    assert n == len(mem)


def test_sim_measured_length_is_the_truths_within_the_tape():
    s, t = rollmap.sim("short", seed=3, measured_length=True)
    assert abs(s.meta["calf_length_cm"] - t["calf"]["length_cm"]) <= 0.55
    plain, _ = rollmap.sim("short", seed=3)
    assert plain.meta["calf_length_cm"] is None
    # Only the length differs: the frames are the same.
    for a, b in zip(s.frames(), plain.frames()):
        assert np.array_equal(a, b)
