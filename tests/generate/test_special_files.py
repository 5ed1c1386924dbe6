"""A named pipe (or socket, or device) in a repository is never opened by ``add`` or
``update`` (reading a FIFO waits forever) and never taken for a file: it is refused,
named with what it is."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import RunMlrig
from tests.generate.conftest import commit_all, new_committed_repo
from tests.generate.test_add_prompts import repo

__all__ = ["repo"]

FIFO = "a named pipe (FIFO), not a regular file"


def mlrig(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The command in its own process, bounded: a read of a FIFO would never return."""
    command = [sys.executable, "-m", "toolkit", *map(str, args)]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.fixture
def plain(repo: Path) -> Path:
    """The plain repository with its lock (``repo`` of the prompt tests)."""
    return repo


@pytest.mark.parametrize("name", ["dvc.yaml", "pyproject.toml", "requirements.txt"])
def test_add_refuses_a_prerequisite_that_is_a_fifo(plain: Path, name: str) -> None:
    (plain / name).unlink()
    os.mkfifo(plain / name)
    result = mlrig("add", "ci", "-C", plain, "--set", "python_version=3.12", cwd=plain)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"mlrig: error: cannot add ci to {plain}: {name} is {FIFO}; mlrig reads only "
        "regular files\n"
    )
    assert not (plain / ".github").exists()


def test_a_fifo_named_like_a_test_is_not_a_test(plain: Path, run_mlrig: RunMlrig) -> None:
    (plain / "tests" / "test_train.py").unlink()
    os.mkfifo(plain / "tests" / "test_train.py")
    result = run_mlrig("add", "ci", "-C", plain)
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        f"mlrig: error: cannot add ci to {plain}: it needs a test file (test_*.py or *_test.py) "
        "where pytest looks (CI runs `python -m pytest`, which fails when it collects no test)\n"
    )


def test_update_refuses_an_untracked_fifo_where_a_template_file_goes(
    tmp_path: Path, run_mlrig: RunMlrig
) -> None:
    repo = new_committed_repo(run_mlrig, tmp_path)
    (repo / "params.yaml").unlink()
    commit_all(repo)
    os.mkfifo(repo / "params.yaml")  # untracked
    for args in (("--dry-run",), ("--set", "python_version=3.12")):
        result = mlrig("update", *args, cwd=repo)
        assert (result.returncode, result.stdout) == (1, "")
        assert result.stderr == (
            f"mlrig: error: params.yaml: {FIFO}; mlrig reads and writes only "
            "regular files inside the repository\n"
        )
