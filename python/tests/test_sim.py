"""rollmap.sim: the simulator, in memory or to a file, with its truth."""
import json

import numpy as np
import pytest

import rollmap


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


def test_sim_unknown_scenario():
    with pytest.raises(rollmap.RollmapError) as e:
        rollmap.sim("nonesuch")
    assert e.value.status == -1 and "nonesuch" in e.value.message
    assert "basic" in rollmap.scenarios()
