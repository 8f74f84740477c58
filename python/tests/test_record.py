"""rollmap.record on the virtual board: frames and live states while the
session is written; stops cleanly at the end, on break and on Ctrl-C."""
import numpy as np
import pytest

import rollmap


def concat(blocks):
    return [np.concatenate([b[i] for b in blocks]) for i in range(4)]


def test_record_whole_scenario(tmp_path):
    path = tmp_path / "r.wav"
    rec = rollmap.record(sim="short", path=path, realtime=False, seed=5)
    events = list(rec)
    blocks = [e for e in events if e.kind == "frames"]
    live = [e for e in events if e.kind == "live"]
    assert rec.stopped == "end of stream"
    assert blocks and live and len(live) == len(blocks)
    s = rollmap.open(path)
    assert len(s) == rec.frames_written == sum(b.n for b in blocks)
    for got, want in zip(concat(blocks), s.frames()):
        assert np.array_equal(got, want)
    assert s.meta["descriptor"]["serial"] == "SIM-00000005"


def test_record_duration_in_board_time(tmp_path):
    rec = rollmap.record(sim="basic", path=tmp_path / "d.wav", duration=2,
                         realtime=False)
    n = sum(e.n for e in rec if e.kind == "frames")
    # The virtual board's session is as long as duration (as with the
    # CLI), so it may end its stream just as the duration is reached.
    assert rec.stopped in ("duration reached", "end of stream")
    assert n == 160                               # 2 s at 80 Hz
    assert len(rollmap.open(tmp_path / "d.wav")) == 160


def test_break_finishes_the_file(tmp_path):
    path = tmp_path / "b.wav"
    seen = 0
    for ev in rollmap.record(sim="basic", path=path, realtime=False):
        if ev.kind == "frames":
            seen += ev.n
            if seen >= 1000:
                break
    # The loop held the only reference: the recording is closed now.
    s = rollmap.open(path)
    assert len(s) == seen


def test_ctrl_c_stops_cleanly(tmp_path):
    path = tmp_path / "c.wav"
    rec = rollmap.record(sim="basic", path=path, realtime=False)
    real_step = rec._step
    calls = []

    def step():
        calls.append(1)
        if len(calls) == 5:
            raise KeyboardInterrupt
        real_step()
    rec._step = step
    n = sum(e.n for e in rec if e.kind == "frames")
    assert rec.stopped == "interrupted" and n > 0
    assert len(rollmap.open(path)) == n == rec.frames_written


def test_record_refuses_existing_file(tmp_path):
    path = tmp_path / "keep.wav"
    path.write_bytes(b"keep")
    with pytest.raises(FileExistsError):
        rollmap.record(sim="short", path=path)
    assert path.read_bytes() == b"keep"


def test_record_events_reach_the_engine(tmp_path):
    rec = rollmap.record(sim="holds", path=tmp_path / "h.wav",
                         realtime=False, seed=3)
    holds = [e for e in rec if e.kind == "hold"]
    rep = rollmap.report(tmp_path / "h.wav")
    assert len(holds) == len(rep["holds"]) > 0


def test_record_unknown_scenario(tmp_path):
    with pytest.raises(rollmap.RollmapError):
        rollmap.record(sim="nonesuch", path=tmp_path / "n.wav")
    assert not (tmp_path / "n.wav").exists()


def test_real_sigint_during_a_realtime_recording(tmp_path):
    """A real Ctrl-C: wherever it lands, the file ends up finished."""
    import os
    import signal
    import threading
    path = tmp_path / "sig.wav"
    rec = rollmap.record(sim="short", path=path, speed=2.0)
    timer = threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        for ev in rec:
            pass
    except KeyboardInterrupt:
        rec.close()
    timer.join()
    assert rec.stopped in ("interrupted", "closed")
    assert 0 < len(rollmap.open(path)) == rec.frames_written < 640


def test_record_without_a_board_says_so(tmp_path):
    path = tmp_path / "none.wav"
    with pytest.raises(rollmap.RollmapError) as e:
        rollmap.record(port=str(tmp_path / "ttyNOPE"), path=path)
    assert e.value.status_name == "RM_ERR_NODEV"
    assert not path.exists()
