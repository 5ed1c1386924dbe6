"""Bare git repositories on disk standing in for GitHub, reached as ``https://github.com/...``.

``git`` reads ``url.<base>.insteadOf`` from ``GIT_CONFIG_COUNT``/``GIT_CONFIG_KEY_n``/
``GIT_CONFIG_VALUE_n``, so mlrig runs the real ``git ls-remote https://github.com/o/r``
and git itself turns it into a path here: no network, no stub.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

IDENTITY = (
    "-c",
    "user.name=Test",
    "-c",
    "user.email=test@example.com",
    "-c",
    "commit.gpgsign=false",
)


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *IDENTITY, *args], cwd=cwd, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


class Remotes:
    """``owner/repo`` bare repositories under ``base/remotes``, built from work trees."""

    def __init__(self, base: Path) -> None:
        self.base = base
        (base / "remotes").mkdir(parents=True, exist_ok=True)

    def bare(self, slug: str) -> Path:
        return self.base / "remotes" / slug

    def _work(self, slug: str) -> Path:
        work = self.base / "work" / slug
        if not work.exists():
            work.mkdir(parents=True)
            git(work, "init", "-q", "-b", "main")
            self.bare(slug).mkdir(parents=True)
            git(self.bare(slug), "init", "-q", "--bare", "-b", "main")
        return work

    def commit(self, slug: str, message: str, branch: str = "main") -> str:
        """A new commit on ``branch`` of ``slug`` (pushed); its SHA."""
        work = self._work(slug)
        if git(work, "branch", "--show-current") != branch:
            existing = git(work, "branch", "--list", branch)
            git(work, "checkout", "-q", *([] if existing else ["-b"]), branch)
        git(work, "commit", "-q", "--allow-empty", "-m", message)
        git(work, "push", "-q", "--force", str(self.bare(slug)), f"HEAD:refs/heads/{branch}")
        return git(work, "rev-parse", "HEAD")

    def tag(self, slug: str, name: str, commit: str, annotated: bool = False) -> None:
        """Point tag ``name`` at ``commit`` (moving it if it exists), and push it."""
        work = self._work(slug)
        extra = ["-a", "-m", f"release {name}"] if annotated else []
        git(work, "tag", "-f", *extra, name, commit)
        git(work, "push", "-q", "--force", str(self.bare(slug)), f"refs/tags/{name}")

    def env(self, cache: Path) -> dict[str, str]:
        """The environment of an mlrig run that sees these remotes as github.com."""
        return {
            **os.environ,
            "GIT_CONFIG_COUNT": "1",
            "GIT_CONFIG_KEY_0": f"url.{(self.base / 'remotes').as_uri()}/.insteadOf",
            "GIT_CONFIG_VALUE_0": "https://github.com/",
            "MLRIG_CACHE_DIR": str(cache),
        }
