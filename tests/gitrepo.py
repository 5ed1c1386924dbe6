"""Real git repositories for tests: run git as a throwaway identity."""

from __future__ import annotations

import subprocess
from pathlib import Path


def git(repo: Path, *args: str) -> str:
    """``git ARGS`` in ``repo``; its standard output. Fails the test on an error."""
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def commit_all(repo: Path, message: str = "edit") -> None:
    """Stage everything in ``repo`` and commit it."""
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", message)
