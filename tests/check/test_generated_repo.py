"""A repository from ``mlrig new --no-input`` checks clean; breaking one pin of each family
(GitHub Actions, container images, pre-commit) gives exactly the expected finding."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.check.helpers import mlrig

REPO = Path(__file__).resolve().parents[2]
DIGEST = "sha256:" + "0" * 64


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("generated")
    command = [sys.executable, "-m", "toolkit", "new", "--no-input", "-o", str(out)]
    subprocess.run(command, cwd=REPO, check=True, capture_output=True)
    return next(out.iterdir())


@pytest.fixture
def repo(pristine: Path, tmp_path: Path) -> Path:
    copy = tmp_path / pristine.name
    shutil.copytree(pristine, copy)
    subprocess.run(["git", "init", "-q"], cwd=copy, check=True)
    return copy


def edit(path: Path, pattern: str, replacement: str) -> int:
    """Replace the first match of ``pattern``; return its 1-based line."""
    text = path.read_text(encoding="utf-8")
    found = re.search(pattern, text, flags=re.MULTILINE)
    assert found is not None, pattern
    path.write_text(text[: found.start()] + replacement + text[found.end() :], encoding="utf-8")
    return text.count("\n", 0, found.start()) + 1


def test_generated_repository_has_no_findings(repo: Path) -> None:
    run = mlrig("check", cwd=repo)
    assert (run.code, run.err) == (0, "")
    assert run.out.startswith("All checks passed")


def test_tag_instead_of_sha_in_a_workflow(repo: Path) -> None:
    line = edit(
        repo / ".github/workflows/ci.yml",
        r"actions/checkout@[0-9a-f]{40} # (v[\d.]+)",
        "actions/checkout@v7.0.1",
    )
    run = mlrig("check", cwd=repo)
    assert run.out.splitlines()[:-1] == [
        f".github/workflows/ci.yml:{line}:15: GHA001 actions/checkout is pinned to tag v7.0.1, not to a commit SHA; pin the SHA (--fix)"
    ]


def test_branch_rev_in_pre_commit(repo: Path) -> None:
    line = edit(
        repo / ".pre-commit-config.yaml", r"rev: [0-9a-f]{40}  # frozen: v6\.0\.0", "rev: main"
    )
    run = mlrig("check", cwd=repo)
    assert run.out.splitlines()[:-1] == [
        f".pre-commit-config.yaml:{line}:10: PC001 rev main of https://github.com/pre-commit/pre-commit-hooks is a branch; use a tag or a commit SHA"
    ]


def test_dockerfile_losing_its_digest(repo: Path) -> None:
    (repo / "Dockerfile").write_text(
        f"FROM python:3.11-slim@{DIGEST}\nCOPY . /app\n", encoding="utf-8"
    )
    assert mlrig("check", "--select", "IMG", cwd=repo).code == 0
    edit(repo / "Dockerfile", "@" + DIGEST, "")
    run = mlrig("check", cwd=repo)
    assert (
        "Dockerfile:1:6: IMG001 base image python:3.11-slim is not pinned by digest; add @sha256:<digest> (--fix)"
        in run.out.splitlines()
    )
    assert [
        line.split()[1] for line in run.out.splitlines()[:-1] if line.startswith("Dockerfile")
    ] == ["IMG001"]
