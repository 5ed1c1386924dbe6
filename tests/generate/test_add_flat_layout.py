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


def test_add_serve_copies_and_watches_the_real_package_folder(
    flat: Path, run_mlrig: RunMlrig
) -> None:
    (flat / "ranker" / "model.py").write_text("MODEL = 'model.pkl'\n", encoding="utf-8")
    result = run_mlrig("add", "serve", "-C", flat)
    assert result.code == 0, result.err
    dockerfile = (flat / "serve" / "Dockerfile").read_text(encoding="utf-8")
    assert "COPY ranker/ /app/src/ranker/\n" in dockerfile
    assert "PYTHONPATH=/app/src " in dockerfile
    ignore = (flat / "serve" / "Dockerfile.dockerignore").read_text(encoding="utf-8")
    assert "!ranker/\n" in ignore.splitlines(keepends=True)
    workflow = (flat / ".github" / "workflows" / "serve-image.yml").read_text(encoding="utf-8")
    on = yaml.safe_load(workflow)[True]
    assert on["push"]["paths"][:2] == ["serve/**", "ranker/**"]
    assert "          PYTHONPATH: ranker/.. # the folder that holds the package\n" in workflow
    for written in [
        *(flat / "serve").iterdir(),
        flat / ".github" / "workflows" / "serve-image.yml",
    ]:
        text = written.read_text(encoding="utf-8").replace("/app/src", "")
        assert "src/" not in text, written
    assert not (flat / "src").exists()


def test_add_dvc_and_ct_name_the_real_package_folder(tmp_path: Path, run_mlrig: RunMlrig) -> None:
    repo = tmp_path / "ranker"
    (repo / "ranker").mkdir(parents=True)
    (repo / "ranker" / "__init__.py").write_text("", encoding="utf-8")
    (repo / "pyproject.toml").write_text(
        '[project]\nname = "ranker"\nrequires-python = ">=3.12"\n', encoding="utf-8"
    )
    (repo / "requirements.txt").write_text(HASHED_LOCK, encoding="utf-8")
    git(repo, "init", "-q")
    result = run_mlrig("add", "dvc", "-C", repo, "--set", "cloud=none")
    assert result.code == 0, result.err
    deps = yaml.safe_load((repo / "dvc.yaml").read_text(encoding="utf-8"))["stages"]["train"][
        "deps"
    ]
    assert "ranker/train.py" in deps
    assert not any(dep.startswith("src/") for dep in deps)
    result = run_mlrig("add", "ct", "-C", repo)
    assert result.code == 0, result.err
    ct = (repo / ".github" / "workflows" / "ct.yml").read_text(encoding="utf-8")
    assert "      - ranker/train.py\n" in ct
    assert "src/" not in ct
    assert not (repo / "src").exists()
