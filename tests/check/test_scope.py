"""Scope through the command line: what the consistency rules may compare with what.

The rule fixtures hold most cases; these are the ones a fixture folder cannot
hold (nested git work trees) or that compare two runs of the same tree."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.check.helpers import build_file_tree, mlrig

DIGEST = "@sha256:" + "b" * 64


def _clone(root: Path, python: str, transformers: str) -> None:
    """A small repository of its own: its Python and its pinned transformers."""
    build_file_tree(
        root,
        {
            ".python-version": f"{python}\n",
            "Dockerfile": (
                f"FROM python:{python}-slim{DIGEST}\n"
                f"RUN pip install --no-cache-dir transformers=={transformers}\n"
            ),
        },
    )
    subprocess.run(["git", "init", "-q", str(root)], check=True)


def test_two_clones_side_by_side_are_not_compared(tmp_path: Path) -> None:
    _clone(tmp_path / "service-a", "3.10", "4.30.0")
    _clone(tmp_path / "service-b", "3.12", "4.40.0")
    run = mlrig("check", "--select", "X001,X007", ".", cwd=tmp_path)
    assert (run.code, run.out) == (0, "All checks passed (4 files checked).\n")


def test_the_same_folders_in_one_repository_are_compared(tmp_path: Path) -> None:
    build_file_tree(
        tmp_path,
        {
            ".python-version": "3.10\n",
            "Dockerfile": f"FROM python:3.10-slim{DIGEST}\n"
            "RUN pip install --no-cache-dir transformers==4.30.0\n",
            "docker/Dockerfile.train": f"FROM python:3.12-slim{DIGEST}\n"
            "RUN pip install --no-cache-dir transformers==4.40.0\n",
        },
    )
    run = mlrig("check", "--select", "X001", ".", cwd=tmp_path)
    assert run.code == 1
    assert run.out.splitlines()[0] == (
        "docker/Dockerfile.train:1:6: X001 python 3.12 here, but 3.10 in .python-version:1 "
        "(.python-version); use 3.10"
    )


def test_a_checkout_with_a_git_file_is_its_own_project(tmp_path: Path) -> None:
    """A submodule or worktree checkout has a ``.git`` file, not a folder."""
    build_file_tree(
        tmp_path,
        {
            ".python-version": "3.11\n",
            "Dockerfile": f"FROM python:3.11-slim{DIGEST}\n",
            "vendor/tool/.git": "gitdir: ../../.git/modules/tool\n",
            "vendor/tool/Dockerfile": f"FROM python:3.9-slim{DIGEST}\n",
        },
    )
    run = mlrig("check", "--select", "X001", ".", cwd=tmp_path)
    assert (run.code, run.out) == (0, "All checks passed (4 files checked).\n")
