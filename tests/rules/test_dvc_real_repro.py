"""The static DVC rules agree with dvc itself: after a real ``dvc repro`` they report
nothing, and after an edit they report the stages that ``dvc status`` calls changed."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.tools import tool
from toolkit.check.config import load_config
from toolkit.check.engine import check_project, selected_rules
from toolkit.check.project import Project

pytestmark = pytest.mark.slow

DVC_YAML = """\
vars:
  - seed: 7
stages:
  prep:
    cmd: mkdir -p out && echo ${seed} ${train.epochs} > out/prep.txt
    deps:
      - in.txt
      - srcdir
    params:
      - train.epochs
    outs:
      - out/prep.txt
  fit:
    foreach: ${models}
    do:
      cmd: echo ${item} ${lr} > out/${item}.txt
      deps:
        - out/prep.txt
      params:
        - lr
      outs:
        - out/${item}.txt
  grid:
    matrix:
      m: ${models}
      b: [1, 2]
    cmd: echo ${item.m} ${item.b} > out/grid-${item.m}-${item.b}.txt
    outs:
      - out/grid-${item.m}-${item.b}.txt
"""
PARAMS = "models: [tree, forest]\nlr: 0.1\ntrain:\n  epochs: 3\n"


def run(repo: Path, *command: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }
    subprocess.run(command, cwd=repo, env=env, check=True, capture_output=True, timeout=600)


def dvc_findings(repo: Path) -> list[str]:
    project = Project.discover(repo)
    config = load_config(repo)
    rules = [
        r for r in selected_rules(config) if r.code in {"DVC001", "DVC002", "DVC003", "DVC006"}
    ]
    return sorted(f.text() for f in check_project(project, config, rules).findings)


@pytest.fixture
def reproduced(tmp_path: Path) -> Path:
    dvc = tool("dvc")
    repo = tmp_path / "repo"
    (repo / "srcdir" / "a").mkdir(parents=True)
    (repo / "srcdir" / "a" / "b.txt").write_text("1\n")
    (repo / "srcdir" / "a-b.txt").write_text("2\n")
    (repo / "in.txt").write_text("hello\n")
    (repo / "dvc.yaml").write_text(DVC_YAML)
    (repo / "params.yaml").write_text(PARAMS)
    run(repo, "git", "init", "-q")
    run(repo, dvc, "init", "-q")
    run(repo, dvc, "repro", "-q")
    run(repo, "git", "add", "-A")
    run(repo, "git", "commit", "-q", "-m", "repro")
    return repo


def test_a_fresh_repro_has_no_finding(reproduced: Path) -> None:
    assert dvc_findings(reproduced) == []


def test_edits_are_reported_where_dvc_status_sees_them(reproduced: Path) -> None:
    (reproduced / "params.yaml").write_text(PARAMS.replace("lr: 0.1", "lr: 0.2"))
    (reproduced / "srcdir" / "a" / "b.txt").write_text("changed\n")
    found = dvc_findings(reproduced)
    assert sum(" DVC002 param 'lr' is 0.2 here" in line for line in found) == 2
    assert any(" DVC003 md5 of srcdir is " in line for line in found)
    assert sum("DVC001 cmd of stage 'fit@" in line for line in found) == 2
    assert len(found) == 5
