"""A pull request that CT will retrain is told apart from a stale lock on main.

The trees are the DVC003 and DVC002 fixtures made by real dvc: a new data version
(a changed ``.dvc`` file) or a changed parameter, with a CT workflow that reruns
``dvc repro`` on pull requests changing them. GitHub Actions' own variables and event
payload say whether a check runs for a pull request from the repository itself.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.check.helpers import Run, mlrig

FIXTURES = Path(__file__).resolve().parents[1] / "rules/fixtures"
DATA_PR = FIXTURES / "DVC003/fail/real-dvc-3-new-data-version"
PARAMS_PR = FIXTURES / "DVC002/fail/ct-retrains-the-pr"
REPOSITORY = "my-org/my-ml-project"
STALE = (
    "dvc.lock:6:7: DVC003 md5 of data/raw is e48ff069c36aacd17585a0e612648d88.dir, "
    "but this lock records 212096bcb513b0516babe3c40664ab9a.dir; "
)
WORKFLOW = ".github/workflows/ct.yml"
PENDING = (
    f"{STALE}CT will retrain this PR: {WORKFLOW} reruns `dvc repro` on pull requests "
    "that change data/raw/a.csv.dvc and commits dvc.lock back"
)
ON_MAIN = (
    f"{STALE}run `dvc repro` and commit dvc.lock, or let CT retrain it in a pull request "
    f"({WORKFLOW} reruns `dvc repro` on pull requests that change data/raw/a.csv.dvc)"
)
FOUND = "Found 1 finding in 1 file.\n"


def _repo(tmp_path: Path, source: Path) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(source, repo)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
    return repo


def _github(tmp_path: Path, event: str, head: str | None = REPOSITORY) -> dict[str, str]:
    """The variables GitHub Actions sets for ``event``, with a payload whose head is ``head``."""
    payload = tmp_path / "event.json"
    pull_request = {
        "head": {"repo": {"full_name": head}},
        "base": {"repo": {"full_name": REPOSITORY}},
    }
    payload.write_text(json.dumps({"pull_request": pull_request}), encoding="utf-8")
    env = {**os.environ, "GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": REPOSITORY}
    env |= {"GITHUB_EVENT_NAME": event, "GITHUB_EVENT_PATH": str(payload)}
    if event == "pull_request":
        env["GITHUB_HEAD_REF"] = "more-data"
    return env


def _check(repo: Path, env: dict[str, str], *args: str, select: str = "DVC") -> Run:
    return mlrig("check", "--select", select, *args, cwd=repo, env=env)


def test_a_data_pr_that_ct_retrains_is_a_note_that_passes(tmp_path: Path) -> None:
    repo = _repo(tmp_path, DATA_PR)
    run = _check(repo, _github(tmp_path, "pull_request"))
    assert (run.code, run.out, run.err) == (0, f"{PENDING}\n{FOUND}", "")
    github = _check(repo, _github(tmp_path, "pull_request"), "--format", "github")
    assert github.code == 0
    assert github.out.splitlines()[0] == (
        "::notice file=dvc.lock,line=6,col=7,title=DVC003::" + PENDING.split(" DVC003 ")[1]
    )
    sarif = json.loads(_check(repo, _github(tmp_path, "pull_request"), "--format", "sarif").out)
    assert [r["level"] for r in sarif["runs"][0]["results"]] == ["note"]


def test_the_same_stale_lock_on_main_fails(tmp_path: Path) -> None:
    repo = _repo(tmp_path, DATA_PR)
    run = _check(repo, _github(tmp_path, "push"))
    assert (run.code, run.out) == (1, f"{ON_MAIN}\n{FOUND}")
    local = _check(repo, {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")})
    assert (local.code, local.out) == (1, f"{ON_MAIN}\n{FOUND}")


def test_a_forks_pull_request_fails_since_ct_does_not_train_it(tmp_path: Path) -> None:
    repo = _repo(tmp_path, DATA_PR)
    run = _check(repo, _github(tmp_path, "pull_request", head="stranger/my-ml-project"))
    assert (run.code, run.out) == (1, f"{ON_MAIN}\n{FOUND}")
    unreadable = _github(tmp_path, "pull_request")
    unreadable["GITHUB_EVENT_PATH"] = str(tmp_path / "missing.json")
    assert _check(repo, unreadable).code == 1


def test_without_the_ct_workflow_a_pull_request_fails(tmp_path: Path) -> None:
    repo = _repo(tmp_path, DATA_PR)
    (repo / WORKFLOW).unlink()
    run = _check(repo, _github(tmp_path, "pull_request"))
    plain = f"{STALE}run `dvc repro` and commit dvc.lock"
    assert (run.code, run.out) == (1, f"{plain}\n{FOUND}")


@pytest.mark.parametrize(("event", "code"), [("pull_request", 0), ("push", 1)])
def test_a_params_pr_waits_for_ct_and_main_fails(tmp_path: Path, event: str, code: int) -> None:
    """The parameter is recorded (DVC002) and interpolated into each stage's cmd (DVC001)."""
    repo = _repo(tmp_path, PARAMS_PR)
    run = _check(repo, _github(tmp_path, event))
    if event == "pull_request":
        tail = (
            f"CT will retrain this PR: {WORKFLOW} reruns `dvc repro` on pull requests that "
            "change params.yaml and commits dvc.lock back"
        )
    else:
        tail = (
            "run `dvc repro{}`, or let CT retrain it in a pull request "
            f"({WORKFLOW} reruns `dvc repro` on pull requests that change params.yaml)"
        )
    cmd = (
        "dvc.yaml:15:7: DVC001 cmd of stage 'train@{0}' is 'python train.py --size {0} "
        "--lr 0.01' here, but 'python train.py --size {0} --lr 0.1' in dvc.lock:{1}; "
    )
    param = (
        "params.yaml:2:3: DVC002 param 'train.lr' is 0.01 here, but dvc.lock:{1} records 0.1 "
        "(stage 'train@{0}'); "
    )
    lines = [
        cmd.format("large", 34) + tail.format(" train@large"),
        cmd.format("small", 16) + tail.format(" train@small"),
        param.format("small", 28) + tail.format(""),
        param.format("large", 46) + tail.format(""),
    ]
    assert (run.code, run.out) == (code, "\n".join(lines) + "\nFound 4 findings in 2 files.\n")
