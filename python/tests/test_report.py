"""rollmap.report: the CLI's JSON report, as a dict."""
import pytest

import rollmap
from conftest import cli_json


@pytest.mark.parametrize("scenario", ["basic", "holds", "noisy", "short"])
def test_report_equals_cli_json(cli, make_session, scenario):
    path = make_session(scenario, 2)[0]
    assert rollmap.report(path) == cli_json(cli, "report", "-f", "json", path)


def test_report_takes_engine_settings(basic):
    base = rollmap.report(basic)
    assert len(base["holds"]) >= 1
    longest = max(h["duration_s"] for h in base["holds"])
    fewer = rollmap.report(basic, hold_min_s=longest + 5)
    assert len(fewer["holds"]) == 0
    same = rollmap.report(basic, **rollmap.config_defaults())
    assert same == base


def test_report_rejects_unknown_settings(basic):
    with pytest.raises(TypeError, match="hold_min"):
        rollmap.report(basic, hold_minimum=3)


def test_report_out_of_range_setting_is_an_error(basic):
    with pytest.raises(rollmap.RollmapError) as e:
        rollmap.report(basic, hold_min_s=-1)
    assert e.value.status == -1


def test_report_of_missing_file(tmp_path):
    with pytest.raises(rollmap.RollmapError) as e:
        rollmap.report(tmp_path / "nope.wav")
    assert e.value.status == -3 and "nope.wav" in e.value.message
