"""Fixtures of the generate tests: a template fork and a repository generated from it.

The fixture repositories hold their own tests, which are data here, not tests of mlrig.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT, RunMlrig

collect_ignore = ["fixtures"]

SLUG_DIR = "{{cookiecutter.project_slug}}"

# A hashed lock with what the CI workflow runs (and the fixtures' build backends).
HASHED_LOCK = "".join(
    f"{name}=={version} \\\n    --hash=sha256:{'ab' * 32}\n"
    for name, version in (
        ("dvc[gs]", "3.59.1"),
        ("hatchling", "1.27.0"),
        ("PyYAML", "6.0.2"),
        ("pytest", "8.3.4"),
        ("ruff", "0.16.4"),
        ("setuptools", "80.9.0"),
    )
)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout


def copy_template(into: Path) -> Path:
    """A copy of mlrig's template at ``into`` (without build artefacts)."""
    shutil.copytree(
        REPO_ROOT / "templates" / "ml-repo", into, ignore=shutil.ignore_patterns("__pycache__")
    )
    return into


def new_committed_repo(run_mlrig: RunMlrig, out: Path) -> Path:
    """``mlrig new --no-input -o out``, committed in a git repository of its own."""
    assert run_mlrig("new", "--no-input", "-o", out).code == 0
    repo = out / "my-ml-project"
    git(repo, "init", "-q")
    commit_all(repo)
    return repo


@pytest.fixture
def template_copy(tmp_path: Path) -> Path:
    """A company fork of the template, in a git repository of its own."""
    copy = copy_template(tmp_path / "template")
    git(copy, "init", "-q")
    commit_all(copy)
    return copy


@pytest.fixture
def generated(tmp_path: Path, template_copy: Path, run_mlrig: RunMlrig) -> Path:
    result = run_mlrig("new", "--no-input", "-o", tmp_path / "out", "--template", template_copy)
    assert result.code == 0, result.err
    repo = tmp_path / "out" / "my-ml-project"
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "generated")
    return repo


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def prepend(path: Path, text: str) -> None:
    path.write_text(text + path.read_text(encoding="utf-8"), encoding="utf-8")


def commit_all(repo: Path) -> None:
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "edit")
