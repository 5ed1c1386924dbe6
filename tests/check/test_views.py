"""View kinds: every hint admits every path its view matches, so skipping by hint is safe."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.check.views import HINTS, hint, view_module

FIXTURES = Path(__file__).resolve().parents[1] / "rules" / "fixtures"
EXTRA = [
    ".github/workflows/ci.yml",
    "sub/.github/workflows/x.yaml",
    "action.yml",
    "a/b/action.yaml",
    "Dockerfile",
    "docker/serve.Dockerfile",
    "Containerfile.dev",
    "Dockerfile.gpu",
    ".pre-commit-config.yaml",
    "dvc.yaml",
    "sub/dvc.lock",
    "data/raw.dvc",
    ".dvc/config",
    "params.yaml",
    "params-train.json",
    "pyproject.toml",
    "requirements/dev.in",
    "requirements-lock.txt",
    "uv.lock",
    ".python-version",
    "setup.py",
    "setup.cfg",
    "poetry.lock",
    "constraints-dev.txt",
    "a/b/requirements.lock",
    "requirements/base.in",
    "src/pkg/module.py",
    "main.tf",
    "infra/.terraform-version",
    "deploy/staging.yaml",
    "deploy/overlays/prod/inference-service-patch.yaml",
]


def _paths() -> list[str]:
    found = {
        p.relative_to(case).as_posix() for case in FIXTURES.glob("*/*/*") for p in case.rglob("*")
    }
    return sorted(found | set(EXTRA))


@pytest.mark.parametrize("kind", sorted(HINTS))
def test_hint_admits_every_matching_path(kind: str) -> None:
    pattern = hint(kind)
    assert pattern is not None
    match = view_module(kind).match
    missed = [path for path in _paths() if match(path) and not pattern.search(path)]
    assert missed == []
