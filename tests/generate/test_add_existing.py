"""``mlrig add`` on a repository mlrig did not generate: it reads what the repository
says, refuses parts whose prerequisites are missing, and lists every file it would write."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import RunMlrig
from tests.generate.conftest import HASHED_LOCK, SLUG_DIR, copy_template
from tests.gitrepo import commit_all

FIXTURE = Path(__file__).parent / "fixtures" / "plain-repo"
ANSWERS = ".mlrig-answers.yml"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A small real-shaped ML repository: a package, tests, DVC with a GCS remote, no lock."""
    target = tmp_path / "churn-model"
    shutil.copytree(FIXTURE, target)
    subprocess.run(["git", "init", "-q"], cwd=target, check=True)
    subprocess.run(
        ["git", "remote", "add", "origin", "git@github.com:acme-data/churn-model.git"],
        cwd=target,
        check=True,
    )
    return target


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git/" not in p.relative_to(root).as_posix() + "/"
    }


def test_ci_is_refused_without_a_lock_naming_what_is_missing(
    repo: Path, run_mlrig: RunMlrig
) -> None:
    before = tree(repo)
    result = run_mlrig("add", "ci", "-C", repo)
    assert result.code == 1
    assert result.err == (
        f"mlrig: error: cannot add ci to {repo}: it needs requirements.txt "
        "(a hashed lock, which the workflows install with pip install --require-hashes)\n"
    )
    assert tree(repo) == before


def test_dry_run_shows_the_inferred_answers_and_every_file(repo: Path, run_mlrig: RunMlrig) -> None:
    before = tree(repo)
    result = run_mlrig("add", "pre-commit", "dependabot", "-C", repo, "--dry-run")
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        "cloud=gcp (from the default remote 'storage' in .dvc/config)",
        "description=Predicts which customers will leave next quarter. (from [project] description in pyproject.toml)",
        "dvc_remote_url=gs://acme-churn-dvc/cache (from the default remote 'storage' in .dvc/config)",
        "github_owner=acme-data (from the git remote 'origin')",
        "package_name=churn_model (from src/churn_model/)",
        "project_name=churn-model (from [project] name in pyproject.toml)",
        "python_version=3.12 (from requires-python '>=3.12' in pyproject.toml)",
        "would write .github/dependabot.yml",
        "would write .pre-commit-config.yaml",
        f"would write {ANSWERS}",
        "3 file(s) to write, 0 already in place.",
    ]
    assert tree(repo) == before


def test_add_records_what_the_repository_says(repo: Path, run_mlrig: RunMlrig) -> None:
    (repo / ".python-version").write_text("3.13\n", encoding="utf-8")
    result = run_mlrig("add", "pre-commit", "-C", repo, "--set", "github_owner=acme")
    assert result.code == 0, result.err
    assert "python_version=3.13 (from .python-version)" in result.out
    assert "github_owner=" not in result.out
    answers = yaml.safe_load((repo / ANSWERS).read_text(encoding="utf-8"))["answers"]
    assert (answers["python_version"], answers["cloud"], answers["github_owner"]) == (
        "3.13",
        "gcp",
        "acme",
    )
    assert answers["dvc_remote_url"] == "gs://acme-churn-dvc/cache"


def test_ci_is_added_once_the_lock_exists(repo: Path, run_mlrig: RunMlrig) -> None:
    (repo / "requirements.txt").write_text(HASHED_LOCK, encoding="utf-8")
    result = run_mlrig("add", "ci", "-C", repo)
    assert result.code == 0, result.err
    ci = (repo / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    assert 'python-version: "3.12"' in ci


def test_ci_names_what_a_hashed_lock_lacks(repo: Path, run_mlrig: RunMlrig) -> None:
    (repo / "requirements.txt").write_text(
        "pyyaml==6.0.2 \\\n    --hash=sha256:" + "ab" * 32 + "\n", encoding="utf-8"
    )
    before = tree(repo)
    result = run_mlrig("add", "ci", "-C", repo)
    assert result.code == 1
    assert result.err == (
        f"mlrig: error: cannot add ci to {repo}: requirements.txt does not lock dvc, "
        "pytest, ruff, hatchling (CI installs only the lock, then runs ruff, pytest, dvc and "
        "builds the project without isolation)\n"
    )
    assert tree(repo) == before


def test_a_lock_without_hashes_is_named_as_such(repo: Path, run_mlrig: RunMlrig) -> None:
    (repo / "requirements.txt").write_text("dvc==3.59.1\npytest==8.3.4\n", encoding="utf-8")
    for part in ("ci", "cd"):
        result = run_mlrig("add", part, "-C", repo)
        assert result.code == 1
        assert result.err == (
            f"mlrig: error: cannot add {part} to {repo}: requirements.txt has no "
            "hashes (the workflows install it with pip install --require-hashes; lock it with "
            "pip-compile --generate-hashes or uv pip compile --generate-hashes)\n"
        )


def test_infra_needs_a_cloud(repo: Path, run_mlrig: RunMlrig) -> None:
    result = run_mlrig(
        "add", "infra", "-C", repo, "--set", "cloud=none", "--set", "dvc_remote_url=../remote"
    )
    assert result.code == 1
    assert result.err.endswith(
        "it needs a cloud (cloud is 'none': there is no infrastructure to manage)\n"
    )


def without_dvc(repo: Path) -> None:
    """The plain repository before it had DVC (and with no train module of its own)."""
    for path in ("dvc.yaml", "params.yaml", "src/churn_model/train.py"):
        (repo / path).unlink()
    shutil.rmtree(repo / ".dvc")


def test_dvc_brings_the_modules_its_stages_run(repo: Path, run_mlrig: RunMlrig) -> None:
    without_dvc(repo)
    result = run_mlrig("add", "dvc", "-C", repo, "--set", "cloud=none")
    assert result.code == 0, result.err
    wrote = [line.removeprefix("wrote ") for line in result.out.splitlines()]
    modules = ("data", "evaluate", "model", "params", "prepare", "train")
    assert [p for p in wrote if p.startswith("src/")] == [
        f"src/churn_model/{module}.py" for module in modules
    ]
    (repo / "requirements.txt").write_text(HASHED_LOCK, encoding="utf-8")
    assert run_mlrig("add", "ci", "-C", repo).code == 0


def test_a_template_pipeline_that_cannot_run_is_not_added(
    repo: Path, tmp_path: Path, run_mlrig: RunMlrig
) -> None:
    template = copy_template(tmp_path / "fork")
    pipeline = template / SLUG_DIR / "dvc.yaml"
    text = pipeline.read_text(encoding="utf-8")
    pipeline.write_text(
        text.replace(
            ".evaluate\n", ".evaluate && python -m {{ cookiecutter.package_name }}.report\n"
        ),
        encoding="utf-8",
    )
    without_dvc(repo)
    before = tree(repo)
    result = run_mlrig("add", "dvc", "-C", repo, "--template", template, "--set", "cloud=none")
    assert result.code == 1
    assert result.err == (
        f"mlrig: error: cannot add dvc to {repo}: the template's dvc.yaml runs what the "
        "repository does not have: churn_model.report (src/churn_model/report.py); write those "
        "modules first, or run `dvc init`, write your own dvc.yaml and add dvc-remote\n"
    )
    assert tree(repo) == before


def test_a_pipeline_that_cannot_run_does_not_satisfy_ci(repo: Path, run_mlrig: RunMlrig) -> None:
    (repo / "requirements.txt").write_text(HASHED_LOCK, encoding="utf-8")
    pipeline = repo / "dvc.yaml"
    text = pipeline.read_text(encoding="utf-8")
    pipeline.write_text(
        text.replace(
            "python -m churn_model.train", "python -m churn_model.fit && python scripts/report.py"
        ),
        encoding="utf-8",
    )
    result = run_mlrig("add", "ci", "-C", repo)
    assert result.code == 1
    assert result.err == (
        f"mlrig: error: cannot add ci to {repo}: dvc.yaml runs what the repository does not "
        "have: churn_model.fit (src/churn_model/fit.py), scripts/report.py\n"
    )
    (repo / "src" / "churn_model" / "fit.py").write_text("", encoding="utf-8")
    (repo / "scripts").mkdir()
    (repo / "scripts" / "report.py").write_text("", encoding="utf-8")
    assert run_mlrig("add", "ci", "-C", repo).code == 0


def test_add_records_no_default_that_a_later_add_would_take_silently(
    repo: Path, run_mlrig: RunMlrig
) -> None:
    without_dvc(repo)
    pyproject = repo / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(text.replace(">=3.12", ">=3.14"), encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    first = run_mlrig("add", "pre-commit", "dependabot", "-C", repo)
    assert first.code == 0, first.err
    answers = yaml.safe_load((repo / ANSWERS).read_text(encoding="utf-8"))["answers"]
    assert answers == {
        "project_name": "churn-model",
        "description": "Predicts which customers will leave next quarter.",
        "github_owner": "acme-data",
        "package_name": "churn_model",
    }
    before = tree(repo)
    result = run_mlrig("add", "dvc", "-C", repo)
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        "mlrig: error: cannot add dvc: cloud is needed and the repository does not say it "
        "(no DVC remote URL in .dvc/config and no cloud provider in its Terraform); "
        "pass --set cloud=VALUE\n"
    )
    assert tree(repo) == before
    commit_all(repo)
    updated = run_mlrig("update", "-C", repo)
    assert updated.code == 0, updated.err
    assert updated.out.startswith("Already up to date with template ml-repo ")
    assert yaml.safe_load((repo / ANSWERS).read_text(encoding="utf-8"))["answers"] == answers


def test_update_set_refuses_an_answer_the_repositorys_own_files_contradict(
    repo: Path, run_mlrig: RunMlrig
) -> None:
    (repo / ".python-version").write_text("3.12\n", encoding="utf-8")
    (repo / "requirements.txt").write_text(HASHED_LOCK, encoding="utf-8")
    assert run_mlrig("add", "ci", "-C", repo).code == 0
    commit_all(repo)
    before = tree(repo)
    result = run_mlrig("update", "-C", repo, "--set", "python_version=3.13")
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        "mlrig: error: --set python_version=3.13: the repository says 3.12 (.python-version); "
        "change it there first, so that every file agrees\n"
    )
    assert tree(repo) == before
    (repo / ".python-version").write_text("3.13\n", encoding="utf-8")
    commit_all(repo)
    result = run_mlrig("update", "-C", repo, "--set", "python_version=3.13")
    assert result.code == 0, result.err
    ci = (repo / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    assert 'python-version: "3.13"' in ci
    checked = run_mlrig("check", str(repo), "--select", "X001")
    assert checked.code == 0, checked.out
    assert re.fullmatch(r"All checks passed \(\d+ files checked\)\.\n", checked.out)


def test_dependabot_lists_only_what_the_repository_holds(repo: Path, run_mlrig: RunMlrig) -> None:
    result = run_mlrig("add", "dependabot", "-C", repo)
    assert result.code == 0, result.err
    text = (repo / ".github" / "dependabot.yml").read_text(encoding="utf-8")
    entries = yaml.safe_load(text)["updates"]
    assert [(e["package-ecosystem"], e["directory"]) for e in entries] == [
        ("github-actions", "/"),
        ("pip", "/"),
    ]
    assert text.splitlines()[2] == "# its dependency files. The cooldown"
    assert "requirements.in" not in text and "/serve" not in text


def test_dvc_names_the_dependencies_its_modules_import_that_the_project_lacks(
    repo: Path, tmp_path: Path, run_mlrig: RunMlrig
) -> None:
    without_dvc(repo)
    result = run_mlrig("add", "dvc", "-C", repo, "--set", "cloud=none")
    assert result.code == 0, result.err
    note = result.out.splitlines()[-1]
    assert note.startswith("note: the added files import ")
    named = note.removeprefix("note: the added files import ").split(", which")[0].split(", ")
    assert "pyyaml" in named and "joblib" in named
    assert "scikit-learn" not in named and "pandas" not in named  # pyproject depends on them
    assert note.endswith(
        ", which the project does not depend on; add them to its dependencies (and lock them)"
    )
    second = tmp_path / "second"
    shutil.copytree(FIXTURE, second)
    without_dvc(second)
    pyproject = second / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    listed = ", ".join(f'"{name}"' for name in named)
    pyproject.write_text(text.replace('"dvc[gs]>=3.50"', f'"dvc[gs]>=3.50", {listed}'), "utf-8")
    again = run_mlrig("add", "dvc", "-C", second, "--set", "cloud=none")
    assert again.code == 0, again.err
    assert again.out.splitlines()[-1].endswith("already in place.")
