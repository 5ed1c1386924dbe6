"""Generating never writes into the template it reads, nor leaves files in the temp folder.

Bytecode writing is on here (``PYTHONDONTWRITEBYTECODE`` removed), as on a user's
machine: a Python module beside ``cookiecutter.json`` that cookiecutter imports,
or a hook that mlrig imports, would leave ``__pycache__`` in the template.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.generate.conftest import commit_all, copy_template, git
from tests.tools import tool


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every path under ``root`` (folders as ``None``), to see anything added or changed."""
    return {
        p.relative_to(root).as_posix(): None if p.is_dir() else p.read_bytes()
        for p in sorted(root.rglob("*"))
    }


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """The environment of a user's shell: bytecode is written, temp files go to ``tmp/``."""
    (tmp_path / "tmp").mkdir()
    environ = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**environ, "TMPDIR": str(tmp_path / "tmp")}


@pytest.fixture
def template(tmp_path: Path) -> Path:
    return copy_template(tmp_path / "template")


def run(env: dict[str, str], *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], env=env, capture_output=True, text=True, check=False
    )


def mlrig(
    env: dict[str, str], *args: str | Path, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "toolkit", *map(str, args)],
        env={**env, "PYTHONPATH": str(REPO_ROOT)},
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def test_plain_cookiecutter_leaves_the_template_as_it_was(
    tmp_path: Path, template: Path, env: dict[str, str]
) -> None:
    before = snapshot(template)
    done = run(env, tool("cookiecutter"), "--no-input", "-o", tmp_path / "out", template)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "my-ml-project" / "pyproject.toml").is_file()
    assert snapshot(template) == before


def test_mlrig_new_add_and_update_leave_the_template_and_temp_folder_as_they_were(
    tmp_path: Path, template: Path, env: dict[str, str]
) -> None:
    git(template, "init", "-q")
    commit_all(template)
    before = snapshot(template)
    # A relative output folder: cookiecutter runs the hooks in the generated folder.
    done = mlrig(env, "new", "--no-input", "-o", "out", "--template", template, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    repo = tmp_path / "out" / "my-ml-project"
    git(repo, "init", "-q")
    commit_all(repo)
    params = template / "{{cookiecutter.project_slug}}" / "params.yaml"
    params.write_text(params.read_text(encoding="utf-8") + "# new\n", encoding="utf-8")
    commit_all(template)
    before = snapshot(template)
    done = mlrig(env, "update", "-C", repo, "--template", template)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "update    params.yaml"
    (repo / ".github" / "dependabot.yml").unlink()
    commit_all(repo)
    done = mlrig(env, "add", "dependabot", "-C", repo, "--template", template)
    assert done.returncode == 0, done.stderr
    assert snapshot(template) == before
    assert list((tmp_path / "tmp").iterdir()) == []


def test_a_read_only_template_generates(
    tmp_path: Path, template: Path, env: dict[str, str]
) -> None:
    for path in [template, *template.rglob("*")]:
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        before = snapshot(template)
        done = run(env, tool("cookiecutter"), "--no-input", "-o", tmp_path / "cc", template)
        assert done.returncode == 0, done.stderr
        done = mlrig(env, "new", "--no-input", "-o", tmp_path / "mlrig", "--template", template)
        assert done.returncode == 0, done.stderr
        assert snapshot(template) == before
    finally:
        for path in [template, *template.rglob("*")]:
            path.chmod(path.stat().st_mode | stat.S_IWUSR)
