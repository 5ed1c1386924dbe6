"""One universal lock serves every ``python_version`` answer: the oldest and newest install and run.

Needs those interpreters (``python3.10``, ``python3.13`` on PATH, or pyenv
versions); each missing one is skipped. The repository uses ``cloud=none`` so
plain ``dvc`` is exercised too.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.generated.conftest import commit_all, generate_into, install_project, run, venv_env
from tests.venvs import bin_path

pytestmark = pytest.mark.slow


def interpreter(version: str) -> str:
    """A working ``python<version>``, or skip."""
    candidates = [shutil.which(f"python{version}")]
    pyenv = Path.home() / ".pyenv" / "versions"
    candidates += [str(p) for p in sorted(pyenv.glob(f"{version}.*/bin/python{version}"))]
    for candidate in filter(None, candidates):
        done = subprocess.run([candidate, "-c", "import sys"], capture_output=True, check=False)
        if done.returncode == 0:
            return candidate
    pytest.skip(f"no Python {version} interpreter here")


@pytest.mark.parametrize("version", ["3.10", "3.13"])
def test_lock_installs_and_pipeline_runs(tmp_path: Path, version: str) -> None:
    python = interpreter(version)
    repo = generate_into(tmp_path / "gen", cloud="none", python_version=version)
    commit_all(repo)
    env = tmp_path / "venv"
    subprocess.run([python, "-m", "venv", str(env)], check=True)
    install = [bin_path(env, "python"), "-m", "pip", "install", "--quiet", "--require-hashes"]
    done = run([*install, "-r", "requirements.txt"], repo, venv_env(env))
    assert done.returncode == 0, done.stderr[-3000:]
    install_project(env, repo)
    for command in (["python", "-m", "pytest", "-q", "-p", "no:cacheprovider"], ["dvc", "repro"]):
        done = run(command, repo, venv_env(env))
        assert done.returncode == 0, done.stdout + done.stderr
    assert (repo / "metrics.json").is_file()
