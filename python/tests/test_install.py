"""pip install of python/ works offline with Debian's setuptools (no
build isolation, no index) into a venv that sees the system's numpy and
cffi, and the installed package finds librollmap by its SONAME."""
import os
import shutil
import subprocess
import sys

import rollmap
from conftest import ROOT


def test_pip_install_offline(tmp_path, basic):
    src = tmp_path / "src"
    shutil.copytree(os.path.join(ROOT, "python"), src,
                    ignore=shutil.ignore_patterns("build", "*.egg-info",
                                                  "__pycache__", "tests"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages",
                    str(venv)], check=True)
    py = str(venv / "bin" / "python")
    r = subprocess.run([py, "-m", "pip", "install", "-q",
                        "--no-build-isolation", "--no-index", str(src)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    # As installed: no ROLLMAP_LIB, no _buildlib; the loader finds the
    # library by SONAME (here on LD_LIBRARY_PATH, as after ldconfig).
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "ROLLMAP_LIB")}
    env["LD_LIBRARY_PATH"] = os.path.dirname(os.path.realpath(
        rollmap.LIBRARY_PATH))
    code = ("import rollmap, sys; print(rollmap.__file__); "
            "print(rollmap.LIBRARY_PATH); "
            "print(len(rollmap.report(sys.argv[1])['passes']))")
    r = subprocess.run([py, "-c", code, basic], capture_output=True,
                       text=True, env=env, cwd=str(tmp_path))
    assert r.returncode == 0, r.stderr
    where, lib, passes = r.stdout.split()
    assert where.startswith(str(venv))
    assert lib == "librollmap.so.1"
    assert int(passes) == len(rollmap.report(basic)["passes"])
