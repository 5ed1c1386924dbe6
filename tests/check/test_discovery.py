"""Which files are checked: git's list in a work tree, a .gitignore-aware walk elsewhere."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.check.helpers import build_file_tree, mlrig
from toolkit.check.discovery import discover
from toolkit.check.globs import glob_match

TREE: dict[str, str | bytes] = {
    ".gitignore": "*.log\n/build/\ndata/*\n!data/keep.yml\n",
    "a.yml": "",
    "run.log": "",
    "build/out.yml": "",
    "sub/build/kept.yml": "",
    "sub/.gitignore": "local.yml\n",
    "sub/local.yml": "",
    "data/drop.yml": "",
    "data/keep.yml": "",
    ".venv/lib/x.yml": "",
    ".dvc/cache/ab/cdef": "",
    ".dvc/config": "",
}
EXPECTED = [
    ".dvc/config",
    ".gitignore",
    "a.yml",
    "data/keep.yml",
    "sub/.gitignore",
    "sub/build/kept.yml",
]


def test_walk_honours_gitignore(tmp_path: Path) -> None:
    build_file_tree(tmp_path, TREE)
    assert discover(tmp_path, use_git=False) == EXPECTED


def test_git_work_tree_lists_tracked_and_untracked_not_ignored(tmp_path: Path) -> None:
    build_file_tree(tmp_path, TREE)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    assert discover(tmp_path) == EXPECTED


def test_paths_limit_the_check_and_root_is_the_work_tree(tmp_path: Path) -> None:
    build_file_tree(tmp_path, {"x/Dockerfile": "FROM python\n", "y/Dockerfile": "FROM ubuntu\n"})
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    run = mlrig("check", "../y", "--select", "IMG002", cwd=tmp_path / "x")
    assert (
        run.out.splitlines()[0]
        == "y/Dockerfile:1:6: IMG002 base image ubuntu has no tag, so it means latest; name an exact tag and its digest"
    )


def test_glob_match() -> None:
    assert glob_match("*.yml", "a/b/c.yml")
    assert glob_match(".github/workflows/*.yml", ".github/workflows/ci.yml")
    assert not glob_match(".github/*.yml", ".github/workflows/ci.yml")
    assert glob_match("docs/**", "docs/a/b.md")
    assert glob_match("**/fixtures", "tests/rules/fixtures/x.yml")


TEMPLATED: dict[str, str | bytes] = {
    "requirements.txt": "numpy==2.1.3\n",
    "{{cookiecutter.project_slug}}/requirements.txt": "numpy>=1\n",
    "template/{{ cookiecutter.name }}/Dockerfile": "FROM python\n",
    "ci/{% if cookiecutter.gpu %}gpu.yml{% endif %}": "on: push\n",
}


def test_template_folders_and_files_are_never_listed(tmp_path: Path) -> None:
    build_file_tree(tmp_path, TEMPLATED)
    assert discover(tmp_path, use_git=False) == ["requirements.txt"]
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    assert discover(tmp_path) == ["requirements.txt"]


def test_a_template_file_named_on_the_command_line_is_skipped(tmp_path: Path) -> None:
    build_file_tree(tmp_path, TEMPLATED)
    run = mlrig("check", "template/{{ cookiecutter.name }}/Dockerfile", cwd=tmp_path)
    assert (run.code, run.out) == (0, "All checks passed (0 files checked).\n")
