"""Generated repositories, rendered once per session, and helpers to run tools in them."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from tests.tools import tool as venv_tool
from tests.venvs import bin_path, built_once, make_venv
from toolkit.generate import NewOptions, run_new

CLOUDS = ("aws", "gcp", "azure", "none")
FRAMEWORKS = ("sklearn", "pytorch")
# What the judges see: every cloud, plus the other framework (its workflows may differ).
VARIANTS: dict[str, dict[str, str]] = {
    **{cloud: {"cloud": cloud} for cloud in CLOUDS},
    "aws-pytorch": {"cloud": "aws", "ml_framework": "pytorch"},
}

Generate = Callable[..., Path]


def generate_into(parent: Path, **answers: str) -> Path:
    """Render the template with ``answers`` (the rest default) under ``parent``."""
    result = run_new(NewOptions(output_dir=parent, no_input=True, overrides=dict(answers)))
    return result.path


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` with a fixed identity; return its standard output."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }
    done = subprocess.run(
        ["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def commit_all(repo: Path, message: str = "generated") -> None:
    """Make ``repo`` a git repository (if needed) and commit every file."""
    if not (repo / ".git").exists():
        git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def run(
    command: list[str | Path], cwd: Path, env: Mapping[str, str] | None = None, timeout: int = 900
) -> subprocess.CompletedProcess[str]:
    """Run ``command`` and capture its output as text (never raises on failure)."""
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=dict(env) if env is not None else None,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def tool(name: str) -> str:
    """The path of a judge installed in this venv (a failure when missing)."""
    return venv_tool(name)


@pytest.fixture
def generate(tmp_path: Path) -> Generate:
    """Render the template under a fresh folder: ``generate(cloud="gcp")``."""
    counter = iter(range(1_000))

    def render(**answers: str) -> Path:
        return generate_into(tmp_path / f"out{next(counter)}", **answers)

    return render


@pytest.fixture(scope="session")
def repo_per_cloud(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One committed generated repository per entry of ``VARIANTS`` (read-only)."""
    repos = {}
    for name, answers in VARIANTS.items():
        repo = generate_into(tmp_path_factory.mktemp(f"gen-{name}"), **answers)
        commit_all(repo)
        repos[name] = repo
    return repos


@pytest.fixture(scope="session")
def aws_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the aws/sklearn lock installed by hash, built once
    and shared by the xdist workers of the run.

    The generated project itself is installed in each test's own copy of the
    repository (``pip install --no-deps --no-build-isolation -e .``).
    """

    def build(folder: Path) -> None:
        repo = generate_into(folder / "src", cloud="aws")
        make_venv(folder / "venv", "--require-hashes", "-r", str(repo / "requirements.txt"))

    return built_once(tmp_path_factory, "aws-venv", build) / "venv"


def venv_env(env: Path, **extra: str) -> dict[str, str]:
    """The environment of a shell with ``env`` activated, offline for DVC."""
    path = f"{bin_path(env, 'python').parent}{os.pathsep}{os.environ.get('PATH', '')}"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTHON"))}
    return {**base, "PATH": path, "VIRTUAL_ENV": str(env), "DVC_NO_ANALYTICS": "1", **extra}


def install_project(env: Path, repo: Path) -> None:
    """``pip install --no-deps --no-build-isolation -e .`` as the README says."""
    done = run(
        [
            bin_path(env, "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-e",
            ".",
        ],
        cwd=repo,
        env=venv_env(env),
    )
    assert done.returncode == 0, done.stdout + done.stderr
