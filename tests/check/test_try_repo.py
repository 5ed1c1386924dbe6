"""``pre-commit try-repo <this repository> mlrig-check --all-files`` on a generated repository.

try-repo installs the hook from a commit of the given repository, so the test
clones this checkout, commits the working tree as it is now (uncommitted work
included) in the clone, and points try-repo at that commit.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GIT_ENV = {
    "GIT_AUTHOR_NAME": "mlrig tests",
    "GIT_AUTHOR_EMAIL": "tests@example.invalid",
    "GIT_COMMITTER_NAME": "mlrig tests",
    "GIT_COMMITTER_EMAIL": "tests@example.invalid",
}


def git(*args: str, cwd: Path) -> str:
    env = {**os.environ, **GIT_ENV}
    result = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout


def snapshot_of_working_tree(target: Path) -> str:
    """A clone of this repository whose HEAD is the current working tree; its commit."""
    git("clone", "--quiet", "--no-hardlinks", str(REPO), str(target), cwd=REPO)
    listed = git("ls-files", "-z", "-co", "--exclude-standard", cwd=REPO).split("\0")
    for relative in filter(None, listed):
        source = REPO / relative
        if source.is_file():
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / relative)
    git("add", "-A", cwd=target)
    git("commit", "--quiet", "--allow-empty", "-m", "working tree under test", cwd=target)
    return git("rev-parse", "HEAD", cwd=target).strip()


@pytest.mark.slow
def test_try_repo_mlrig_check_on_a_generated_repository(tmp_path: Path) -> None:
    snapshot = tmp_path / "mlrig"
    commit = snapshot_of_working_tree(snapshot)
    new = [sys.executable, "-m", "toolkit", "new", "--no-input", "-o", str(tmp_path / "out")]
    subprocess.run(new, cwd=REPO, check=True, capture_output=True)
    generated = next((tmp_path / "out").iterdir())
    git("init", "--quiet", cwd=generated)
    git("add", "-A", cwd=generated)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), **GIT_ENV}
    command = [
        sys.executable, "-m", "pre_commit", "try-repo", str(snapshot), "mlrig-check",
        "--ref", commit, "--all-files",
    ]  # fmt: skip
    result = subprocess.run(
        command, cwd=generated, env=env, capture_output=True, text=True, timeout=1800, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "mlrig check" in result.stdout
    assert "Passed" in result.stdout
