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


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def template_copy(tmp_path: Path) -> Path:
    """A company fork of the template, in a git repository of its own."""
    copy = tmp_path / "template"
    shutil.copytree(
        REPO_ROOT / "templates" / "ml-repo", copy, ignore=shutil.ignore_patterns("__pycache__")
    )
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
