"""A managed AWS repository on ``main`` behind a bare ``origin``, a developer's clone that
pushes to it, and the pins and commits the CD tests make there (real git throughout)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cdct.conftest import Render, copy_repo, git


@pytest.fixture
def developer(render: Render, tmp_path: Path) -> Path:
    """A clone of ``origin`` (a managed AWS repository on main) to push from."""
    seed = copy_repo(render(cloud="aws", deploy_target="managed"), tmp_path / "seed")
    git(seed, "branch", "-M", "main")
    git(tmp_path, "clone", "-q", "--bare", str(seed), "origin.git")
    git(tmp_path, "clone", "-q", "origin.git", "developer")
    return tmp_path / "developer"


def pin(repo: Path, environment: str, md5: str) -> None:
    """``deploy/<environment>.yaml`` names the model ``md5``."""
    path = repo / f"deploy/{environment}.yaml"
    text = path.read_text(encoding="utf-8")
    model = f"model:\n  path: models/model.joblib\n  md5: {md5}\n"
    start = text.index("model:")
    end = text.index("serving_image:")
    path.write_text(text[:start] + model + text[end:], encoding="utf-8")


def commit(repo: Path, message: str) -> str:
    """Commit everything (even nothing); the new commit's sha."""
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()
