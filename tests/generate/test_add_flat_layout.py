"""``mlrig add`` on a flat-layout repository (the package at ``./<package>``): every path
it writes or requires is in the package's real folder, and ``update`` agrees."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from tests.conftest import RunMlrig
from tests.generate.conftest import HASHED_LOCK
from tests.generate.test_add_existing import ANSWERS, FIXTURE
from tests.gitrepo import commit_all, git


@pytest.fixture
def flat(tmp_path: Path) -> Path:
    """The plain repository with its package moved to the top, as setuptools lists it."""
    repo = tmp_path / "ranker"
    shutil.copytree(FIXTURE, repo)
    (repo / "src" / "churn_model").rename(repo / "ranker")
    (repo / "src").rmdir()
    pyproject = repo / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8").replace('"churn-model"', '"ranker-svc"')
    text = text.replace('requires = ["hatchling"]', 'requires = ["setuptools"]')
    text = text.replace('"hatchling.build"', '"setuptools.build_meta"')
    pyproject.write_text(text + '\n[tool.setuptools]\npackages = ["ranker"]\n', encoding="utf-8")
    pipeline = repo / "dvc.yaml"
    text = pipeline.read_text(encoding="utf-8").replace("src/churn_model/", "ranker/")
    pipeline.write_text(text.replace("churn_model.", "ranker."), encoding="utf-8")
    (repo / "requirements.txt").write_text(HASHED_LOCK, encoding="utf-8")
    git(repo, "init", "-q")
    commit_all(repo, "flat")
    return repo


def test_prerequisites_name_the_real_package_folder(flat: Path, run_mlrig: RunMlrig) -> None:
    result = run_mlrig("add", "serve", "-C", flat)
    assert result.code == 1
    assert result.err == (
        f"mlrig: error: cannot add serve to {flat}: it needs ranker/model.py "
        "(the model the server loads)\n"
    )


def test_add_and_update_write_into_the_real_package_folder(flat: Path, run_mlrig: RunMlrig) -> None:
    result = run_mlrig("add", "ci", "-C", flat)
    assert result.code == 0, result.err
    assert "wrote ranker/reproduce.py" in result.out.splitlines()
    assert (flat / "ranker" / "reproduce.py").is_file()
    assert not (flat / "src").exists()
    files = yaml.safe_load((flat / ANSWERS).read_text(encoding="utf-8"))["files"]
    assert sorted(files) == [
        ".github/workflows/ci.yml",
        "ranker/gate.py",
        "ranker/params.py",
        "ranker/reproduce.py",
    ]
    commit_all(flat, "add ci")

    updated = run_mlrig("update", "-C", flat, "--set", "python_version=3.13")
    assert updated.code == 0, updated.err
    assert updated.out.splitlines()[0] == "update    .github/workflows/ci.yml"
    assert "src/" not in updated.out
    assert not (flat / "src").exists()
    files = yaml.safe_load((flat / ANSWERS).read_text(encoding="utf-8"))["files"]
    assert sorted(files) == [
        ".github/workflows/ci.yml",
        "ranker/gate.py",
        "ranker/params.py",
        "ranker/reproduce.py",
    ]
