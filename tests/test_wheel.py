"""A user who installs only the wheel can run every command."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.venvs import bin_path, make_venv

pytestmark = pytest.mark.slow


def test_wheel_carries_templates_terraform_and_the_template_commit(mlrig_wheel: Path) -> None:
    names = zipfile.ZipFile(mlrig_wheel).namelist()
    assert "toolkit/_resources/templates/ml-repo/cookiecutter.json" in names
    assert "toolkit/_resources/templates/ml-repo/hooks/pre_gen_project.py" in names
    assert any(name.startswith("toolkit/_resources/terraform/") for name in names)
    assert "toolkit/_resources/template_commit" in names
    assert "toolkit/_resources/templates/releases/index.json" in names
    assert "toolkit/_resources/templates/releases/ml-repo-0.1.0.tar.xz" in names
    assert not any("__pycache__" in name or name.endswith(".pyc") for name in names)
    assert not any(name.startswith("tests/") for name in names)


def test_wheel_alone_runs_mlrig_new(mlrig_wheel: Path, tmp_path: Path) -> None:
    env = tmp_path / "venv"
    make_venv(env, str(mlrig_wheel))
    mlrig = bin_path(env, "mlrig")
    work = tmp_path / "work"
    work.mkdir()
    result = subprocess.run(
        [str(mlrig), "new", "--no-input", "-o", "out"], cwd=work, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    answers = (work / "out" / "my-ml-project" / ".mlrig-answers.yml").read_text(encoding="utf-8")
    assert "template: ml-repo" in answers
    assert "template_commit: unknown" not in answers
