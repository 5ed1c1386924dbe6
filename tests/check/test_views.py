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
    "Dockerfile_gpu",
    "images/Dockerfile-cpu",
    "images/dockerfile",
    "Containerfile",
    "pdm.lock",
    "env/Pipfile.lock",
    "pixi.lock",
    "conda-lock.yml",
    "env/linux.conda-lock.yaml",
    ".devcontainer.json",
    ".devcontainer/devcontainer.json",
    ".devcontainer/gpu/devcontainer.json",
    ".gitlab-ci.yml",
    "ci/python.gitlab-ci.yml",
    ".gitlab/ci/release.yml",
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


LOCKS = {
    "pdm/pdm.lock": (
        '[[package]]\nname = "NumPy"\nversion = "2.1.3"\n\n'
        '[[package]]\nname = "torch"\nversion = "2.5.1"\n'
    ),
    "pipenv/Pipfile.lock": (
        '{\n  "default": {\n    "numpy": {"version": "==2.1.3"}\n  },\n'
        '  "develop": {\n    "pytest": {"version": "==8.3.3"},\n    "x": {"git": "u"}\n  }\n}\n'
    ),
    "pixi/pixi.lock": (
        "version: 6\nenvironments:\n  default:\n    packages:\n      linux-64:\n"
        "      - pypi: https://x/torch.whl\npackages:\n- conda: https://x/python.conda\n"
        "  name: python\n  version: 3.11.9\n- pypi: https://x/torch.whl\n  name: torch\n"
        "  version: 2.5.1\n  requires_dist:\n  - name: filelock\n"
    ),
    "conda/conda-lock.yml": (
        "version: 1\npackage:\n- name: python\n  version: 3.11.9\n  manager: conda\n"
        "- name: numpy\n  version: 2.1.3\n  manager: pip\n  dependencies:\n"
        "    name: nested\n"
    ),
}


def test_other_tools_locks_give_their_pypi_pins(tmp_path: Path) -> None:
    from tests.check.helpers import build_file_tree
    from toolkit.check.project import Project
    from toolkit.check.views.mentions import lock_requirements

    build_file_tree(tmp_path, LOCKS)
    found = lock_requirements(Project.discover(tmp_path, use_git=False))
    pins = [(item.path, item.line, item.requirement.raw) for item in found]
    assert pins == [
        ("conda/conda-lock.yml", 6, "numpy==2.1.3"),
        ("pdm/pdm.lock", 1, "numpy==2.1.3"),
        ("pdm/pdm.lock", 5, "torch==2.5.1"),
        ("pipenv/Pipfile.lock", 3, "numpy==2.1.3"),
        ("pipenv/Pipfile.lock", 6, "pytest==8.3.3"),
        ("pixi/pixi.lock", 11, "torch==2.5.1"),
    ]
