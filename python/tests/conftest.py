"""Shared fixtures: the CLI under test and sessions it simulated.

Run through python/run-tests.sh (make check), which points PYTHONPATH at
the build tree's package and $ROLLMAP at the build tree's CLI.
"""
import json
import os
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


@pytest.fixture(scope="session")
def cli():
    path = os.environ.get("ROLLMAP", os.path.join(ROOT, "build", "rollmap"))
    assert os.access(path, os.X_OK), "no rollmap CLI at %s" % path
    return path


def cli_env():
    """The environment for the CLI: without the ASan runtime preloaded
    for Python in the sanitized pass (the CLI links its own)."""
    env = dict(os.environ)
    pre = env.pop("RM_PY_PRELOAD", None)
    if pre and env.get("LD_PRELOAD") == pre:
        del env["LD_PRELOAD"]
    return env


def run_cli(cli, *args):
    return subprocess.run([cli, *args], check=True, capture_output=True,
                          env=cli_env())


@pytest.fixture(scope="session")
def simdir(tmp_path_factory):
    return tmp_path_factory.mktemp("sessions")


@pytest.fixture(scope="session")
def make_session(cli, simdir):
    """make_session(scenario, seed, duration=None) -> (path, truth path),
    written by `rollmap sim` once per set of arguments."""
    made = {}

    def make(scenario="basic", seed=1, duration=None):
        key = (scenario, seed, duration)
        if key not in made:
            name = "%s-%d-%s" % (scenario, seed, duration or "x")
            wav = simdir / (name + ".wav")
            truth = simdir / (name + ".json")
            args = [scenario, "-o", str(wav), "-t", str(truth), "--seed",
                    str(seed), "--quiet"]
            if duration:
                args += ["--duration", str(duration)]
            run_cli(cli, "sim", *args)
            made[key] = (str(wav), str(truth))
        return made[key]
    return make


@pytest.fixture(scope="session")
def basic(make_session):
    return make_session("basic", 1)[0]


def cli_json(cli, *args):
    return json.loads(run_cli(cli, *args).stdout)
