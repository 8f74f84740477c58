"""rollmap.open / Session / write: metadata, frames, blocks, forces,
pandas, and the bit-exact round trip."""
import datetime
import os

import numpy as np
import pytest
import soundfile

import rollmap
from conftest import cli_json


def test_meta_matches_cli_info(cli, basic):
    info = cli_json(cli, "info", "--json", basic)
    m = rollmap.open(basic).meta
    d = info["descriptor"]
    for k in ("cells", "pitch_mm", "cell_area_mm2", "radius_mm",
              "encoder_cpr", "rate_hz", "firmware", "serial"):
        assert m["descriptor"][k] == d[k], k
    assert m["calibration"]["scale_n_per_count"] == d["scale_n_per_count"]
    assert m["calibration"]["tare_counts"] == d["tare_counts"]
    assert m["leg"] == info["leg"]
    assert m["start_unix_us"] == info["start_unix_us"]
    assert m["start"] == datetime.datetime(
        1970, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(
            microseconds=info["start_unix_us"])
    assert m["notes"] == info["notes"]
    assert m["format_version"] == info["format_version"]


def test_frames_equal_libsndfile_channels(basic):
    """The file's channels are cells, encoder, time, sequence (int32)."""
    raw, rate = soundfile.read(basic, dtype="int32", always_2d=True)
    s = rollmap.open(basic)
    f = s.frames()
    c = s.cells
    assert rate == s.rate_hz
    assert f.cells.shape == (len(raw), c) and f.cells.dtype == np.int32
    assert f.encoder.dtype == np.int32
    assert f.time_us.dtype == np.uint32 and f.seq.dtype == np.uint32
    assert np.array_equal(f.cells, raw[:, :c])
    assert np.array_equal(f.encoder, raw[:, c])
    assert np.array_equal(f.time_us, raw[:, c + 1].view(np.uint32))
    assert np.array_equal(f.seq, raw[:, c + 2].view(np.uint32))
    assert len(s) == len(raw)


def test_blocks_concatenate_to_frames(basic):
    s = rollmap.open(basic)
    whole = s.frames()
    blocks = list(s.blocks(1000))
    assert all(b.n == 1000 for b in blocks[:-1]) and 0 < blocks[-1].n <= 1000
    for i, name in enumerate(rollmap.Frames._fields):
        assert np.array_equal(np.concatenate([b[i] for b in blocks]),
                              whole[i]), name
    # Blocks own their memory: a later block does not overwrite an earlier.
    first = blocks[0].seq.copy()
    assert np.array_equal(blocks[0].seq, first)


def test_forces_are_calibrated_newtons(basic):
    s = rollmap.open(basic)
    f = s.frames()
    F = s.forces()
    cal = s.meta["calibration"]
    i, k = 1234, 5
    want = (int(f.cells[i, k]) - cal["tare_counts"][k]) * \
        cal["scale_n_per_count"][k]
    assert F.shape == f.cells.shape
    assert F[i, k] == pytest.approx(want, rel=1e-12)


def test_to_pandas_indexes_by_board_clock(basic):
    pd = pytest.importorskip("pandas")
    s = rollmap.open(basic)
    df = s.to_pandas()
    f = s.frames()
    assert isinstance(df.index, pd.TimedeltaIndex)
    assert df.index[0] == pd.Timedelta(0)
    dt_us = int(f.time_us[100]) - int(f.time_us[0])
    assert df.index[100] == pd.Timedelta(microseconds=dt_us)
    assert list(df.columns[:2]) == ["cell0", "cell1"]
    assert (df["seq"].to_numpy() == f.seq).all()
    dfn = s.to_pandas(forces=True)
    assert dfn["cell3_n"].iloc[7] == pytest.approx(s.forces()[7, 3])


def test_board_clock_unwraps_across_2_to_32():
    t = np.array([2**32 - 2000, 2**32 - 1000, 0, 1000], dtype=np.uint32)
    assert list(rollmap.board_seconds(t)) == [0, 0.001, 0.002, 0.003]


def test_noisy_session_time_index_is_monotonic(make_session):
    """The noisy scenario wraps the board clock; the index must not."""
    pd = pytest.importorskip("pandas")
    df = rollmap.open(make_session("noisy", 1)[0]).to_pandas()
    assert df.index.is_monotonic_increasing
    t = df["time_us"].to_numpy().astype(np.int64)
    assert np.diff(t).min() < 0                  # the wrap is in the data


def test_write_round_trip_is_bit_exact(basic, tmp_path):
    s = rollmap.open(basic)
    out = tmp_path / "copy.wav"
    rollmap.write(out, s.meta, s.frames())
    t = rollmap.open(out)
    assert t.meta == s.meta
    for a, b in zip(t.frames(), s.frames()):
        assert a.dtype == b.dtype and np.array_equal(a, b)
    # Same metadata and frames make the same file as the CLI's writer.
    assert out.read_bytes() == open(basic, "rb").read()


def test_write_from_plain_arrays(tmp_path):
    meta = rollmap.rev_a(leg="right", notes="made in numpy \u00e9",
                         start_unix_us=1_700_000_000_123_456)
    n, c = 500, meta["descriptor"]["cells"]
    rng = np.random.default_rng(3)
    frames = {"cells": rng.integers(-2**23, 2**23, (n, c), dtype=np.int32),
              "encoder": np.arange(n, dtype=np.int32) * -3,
              "time_us": (np.arange(n, dtype=np.uint32) * 12500
                          + np.uint32(2**32 - 100000)),
              "seq": np.arange(n, dtype=np.uint32)}
    rollmap.write(tmp_path / "a.wav", meta, frames)
    s = rollmap.open(tmp_path / "a.wav")
    assert s.meta["leg"] == "right" and s.meta["notes"] == meta["notes"]
    assert s.meta["start_unix_us"] == 1_700_000_000_123_456
    for k in frames:
        assert np.array_equal(getattr(s.frames(), k), frames[k]), k


def test_write_refuses_to_replace_a_file(basic, tmp_path):
    s = rollmap.open(basic)
    out = tmp_path / "x.wav"
    out.write_bytes(b"precious")
    with pytest.raises(rollmap.RollmapError) as e:
        rollmap.write(out, s.meta, s.frames())
    assert e.value.status == -8 and e.value.status_name == "RM_ERR_EXISTS"
    assert out.read_bytes() == b"precious"
    rollmap.write(out, s.meta, s.frames(), overwrite=True)
    assert len(rollmap.open(out)) == len(s)


def test_write_rejects_mismatched_cells(basic, tmp_path):
    s = rollmap.open(basic)
    f = s.frames()
    bad = rollmap.Frames(f.cells[:, :3], f.encoder, f.time_us, f.seq)
    with pytest.raises(ValueError):
        rollmap.write(tmp_path / "y.wav", s.meta, bad)
    assert not os.path.exists(tmp_path / "y.wav")


def test_open_errors_carry_status_and_message(tmp_path):
    with pytest.raises(rollmap.RollmapError) as e:
        rollmap.open(tmp_path / "missing.wav")
    assert e.value.status == -3 and "missing.wav" in e.value.message
    txt = tmp_path / "notes.wav"
    txt.write_text("not a session at all\n" * 20)
    with pytest.raises(rollmap.RollmapError) as e:
        rollmap.open(txt)
    assert e.value.status == -4 and "notes.wav" in str(e.value)


def test_closed_session_refuses_reads(basic):
    s = rollmap.open(basic)
    f = s.frames()
    s.close()
    assert f.n > 0                    # arrays outlive the handle
    with pytest.raises(ValueError):
        s.frames()


def test_calf_length_round_trips_and_is_checked(cli, tmp_path):
    """Format 1.2's measured calf length: to the mm, None when not
    measured, refused outside 15..60 cm; the CLI reads what Python
    wrote."""
    n = 100
    frames = {"cells": np.zeros((n, 12), dtype=np.int32),
              "encoder": np.zeros(n, dtype=np.int32),
              "time_us": np.arange(n, dtype=np.uint32) * 12500,
              "seq": np.arange(n, dtype=np.uint32)}
    meta = rollmap.rev_a(leg="left", calf_length_cm=36.54)
    rollmap.write(tmp_path / "m.wav", meta, frames)
    s = rollmap.open(tmp_path / "m.wav")
    assert s.meta["calf_length_cm"] == 36.5
    info = cli_json(cli, "info", "--json", str(tmp_path / "m.wav"))
    assert info["calf_length_cm"] == 36.5
    plain = rollmap.rev_a(leg="left")
    assert plain["calf_length_cm"] is None
    rollmap.write(tmp_path / "p.wav", plain, frames)
    assert rollmap.open(tmp_path / "p.wav").meta["calf_length_cm"] is None
    for bad in (12.0, 60.5, float("nan"), -30.0):
        with pytest.raises(ValueError, match="calf_length_cm"):
            rollmap.write(tmp_path / "bad.wav", dict(meta, calf_length_cm=bad),
                          frames)
    assert not (tmp_path / "bad.wav").exists()
