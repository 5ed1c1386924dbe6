"""The DVC, Python-dependency and cross-file rules on repositories from ``mlrig new``:
nothing to report on a fresh one, and exactly one finding per broken pin."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.check.config import load_config
from toolkit.check.engine import check_project, selected_rules
from toolkit.check.project import Project
from toolkit.generate import NewOptions, run_new

FAMILIES = ("DVC", "PY", "X")


def findings(repo: Path) -> list[str]:
    """Text findings of the DVC, PY and X rules on ``repo``."""
    project = Project.discover(repo, use_git=False)
    config = load_config(repo)
    rules = [rule for rule in selected_rules(config) if rule.code.startswith(FAMILIES)]
    result = check_project(project, config, rules)
    return [finding.text() for finding in result.findings]


def generate(parent: Path, **answers: str) -> Path:
    return run_new(NewOptions(output_dir=parent, no_input=True, overrides=answers)).path


def line_of(path: Path, needle: str) -> int:
    """The 1-based number of the first line of ``path`` containing ``needle``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if needle in line)


@pytest.mark.parametrize(
    "answers",
    [
        {},
        {"ml_framework": "pytorch"},
        {"cloud": "gcp", "python_version": "3.12"},
        {"cloud": "azure", "python_version": "3.13", "ml_framework": "pytorch"},
        {"cloud": "none", "python_version": "3.10"},
    ],
    ids=lambda answers: "-".join(answers.values()) or "defaults",
)
def test_a_generated_repository_has_no_finding(tmp_path: Path, answers: dict[str, str]) -> None:
    assert findings(generate(tmp_path, **answers)) == []


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return generate(tmp_path)


def test_a_workflow_on_another_python_is_reported(repo: Path) -> None:
    workflow = repo / ".github" / "workflows" / "ci.yml"
    text = workflow.read_text(encoding="utf-8")
    number = line_of(workflow, "python-version:")
    workflow.write_text(text.replace('python-version: "3.11"', 'python-version: "3.12"', 1))
    column = workflow.read_text().splitlines()[number - 1].index('"3.12"') + 1
    assert findings(repo) == [
        f".github/workflows/ci.yml:{number}:{column}: X001 python 3.12 here, but 3.11 in "
        ".python-version:1 (.python-version); use 3.11"
    ]


def test_a_raised_floor_without_relocking_is_reported(repo: Path) -> None:
    source = repo / "requirements.in"
    source.write_text(source.read_text().replace("numpy>=1.26", "numpy>=99"))
    number = line_of(source, "numpy>=99")
    found = findings(repo)
    assert len(found) == 1
    assert found[0].startswith(f"requirements.in:{number}:1: PY002 numpy>=99 here, but ")


def test_a_missing_default_remote_is_reported(repo: Path) -> None:
    config = repo / ".dvc" / "config"
    config.write_text(config.read_text().replace("remote = storage", "autostage = true"))
    assert findings(repo) == [
        ".dvc/config:1:1: DVC007 no default remote ([core] remote = ...); "
        "run `dvc remote default storage`"
    ]


def test_an_edited_stage_after_a_lock_is_reported(repo: Path) -> None:
    lock = "schema: '2.0'\nstages:\n"
    (repo / "dvc.lock").write_text(lock + "  prepare:\n    cmd: python -m other.prepare\n")
    found = findings(repo)
    assert any(" DVC001 stage 'train' is not in dvc.lock" in line for line in found)
    assert any(" DVC001 cmd of stage 'prepare' is " in line for line in found)
