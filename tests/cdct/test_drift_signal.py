"""Drift always leaves a durable signal: a drifted window that nothing could be
registered from (no true label yet) gives a report that names the window, the
statistics and where to send the labels, and drift.yml's ``signal`` job (issues: write,
nothing else; one per environment) opens one issue labelled ``model-drift-<env>`` with
it, then comments on that issue on later runs instead of opening another. The step runs as the runner runs it
(bash, curl, jq) against GitHub's issues API answered on 127.0.0.1."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from tests.cdct.conftest import Render, copy_repo
from tests.cdct.github_api import REPOSITORY, TOKEN, Repository, github_api
from tests.cdct.workflow_steps import Ran, job_steps, read_outputs, run_step

pytestmark = pytest.mark.slow
STEP = "Open the drift issue, or comment on the open one"
RUN = f"https://github.com/{REPOSITORY}/actions/runs/77"
IF = (
    "${{ !cancelled() && needs.monitor-staging.outputs.drift == 'true'"
    " && needs.monitor-staging.outputs.proposed != 'success' }}"
)


def capture(folder: Path, rows: np.ndarray, batch: int = 50) -> None:
    """Requests as serve/capture.py writes KServe's logger events (no feedback)."""
    day = folder / "kserve" / "staging" / "2026" / "03" / "09" / "10"
    day.mkdir(parents=True)
    for start in range(0, len(rows), batch):
        part = rows[start : start + batch]
        tensor = {"name": "x", "shape": list(part.shape), "datatype": "FP64"}
        body = {"inputs": [{**tensor, "data": part.ravel().tolist()}]}
        event = {"id": f"r{start}", "type": "org.kubeflow.serving.inference.request", "data": body}
        (day / f"{start}-request.json").write_text(json.dumps(event), encoding="utf-8")


def drifted_without_labels(repo: Path) -> tuple[dict[str, str], str]:
    """``<pkg>.drift`` over a shifted window with no true label: its outputs, its stdout."""
    rng = np.random.default_rng(3)
    reference = rng.normal(size=(600, 8))
    header = ",".join([*(f"f{i}" for i in range(8)), "target"])
    table = np.column_stack([reference, rng.integers(0, 2, size=600)])
    np.savetxt(repo / "ref.csv", table, delimiter=",", header=header, comments="", fmt="%.6f")
    current = rng.normal(size=(400, 8))
    current[:, 5] += 1.5
    capture(repo / "monitoring", current)
    output = repo / "github_output"
    env = {**os.environ, "PYTHONPATH": str(repo / "src"), "GITHUB_OUTPUT": str(output)}
    command = [sys.executable, "-m", "my_ml_project.drift", "--capture", str(repo / "monitoring")]
    command += ["--until", "2026-03-10", "--reference", "ref.csv", "--register", "data/raw"]
    done = subprocess.run(
        [*command, "--exit-zero"], cwd=repo, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr == "drift: no true label in the window yet; nothing registered\n"
    return read_outputs(output), done.stdout


def signal(repo: Path, api: str, report: str, registered: str = "") -> Ran:
    step = job_steps(repo / ".github/workflows/drift.yml", "signal-staging")[STEP]
    env = {
        "GITHUB_API_URL": api,
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_REPOSITORY": REPOSITORY,
        "GITHUB_RUN_ID": "77",
    }
    expressions = {
        "github.token": TOKEN,
        "needs.monitor-staging.outputs.report": report,
        "needs.monitor-staging.outputs.registered": registered,
    }
    return run_step(step, repo, env, repo.parent / "runner-temp", expressions)


@pytest.fixture
def repo(render: Render, tmp_path: Path) -> Path:
    for tool in ("curl", "jq"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (GitHub's runners have it)")
    return copy_repo(render(cloud="aws"), tmp_path / "repo")


def test_drift_with_no_label_opens_one_issue_and_comments_on_it_later(repo: Path) -> None:
    outputs, stdout = drifted_without_labels(repo)
    assert stdout.splitlines()[-1] == "drift detected"
    report = outputs.pop("report")
    assert outputs == {"drift": "true", "traffic": "true", "registered": ""}
    capture = (repo / "monitoring").as_posix()
    assert report.startswith(
        "## Drift monitor\n\nwindow: staging 2026-03-04 to 2026-03-10: read 8 of 8"
        f" capture files, 400 rows, under `{capture}`.\n\n"
        "| feature | PSI | KS statistic | KS p-value | drift |\n"
    )
    assert [line.split(" | ")[0] for line in report.splitlines() if line.endswith("| yes |")] == [
        "| f5"
    ]
    assert report.endswith(
        f"No labels yet: send feedback to `{capture}/feedback/staging/yyyy/mm/dd/` as JSON lines,"
        ' `{"id": "<request id>", "labels": [<one per row>]}`;'
        " a later run registers the labelled rows."
    )
    assert list((repo / "data/raw").glob("captured-*")) == []  # nothing registered
    github = Repository()
    github.add(
        "Drift detected in staging's captured inference data", ["model-drift-staging"], "closed"
    )
    github.add(
        "Drift: retrain on staging's captured inference window", ["model-drift-staging"], pr=True
    )
    github.add("Unrelated", [])
    with github_api(github) as api:
        first = signal(repo, api, report)
        second = signal(
            repo, api, report, registered="data/raw/captured-staging-20260304-20260310.csv"
        )
    assert (first.returncode, first.stdout) == (0, "opened issue #4\n"), first.stderr
    assert (second.returncode, second.stdout) == (0, "commented on issue #4\n"), second.stderr
    opened = github.issues[3]
    assert (opened["title"], opened["labels"]) == (
        "Drift detected in staging's captured inference data",
        [{"name": "model-drift-staging"}],
    )
    assert opened["body"] == f"{report}\n\nDrift run: {RUN}"
    assert len(github.issues) == 4  # no duplicate
    assert github.comments == {
        4: [
            f"{report}\n\nDrift run: {RUN}\n\nThe window was registered as"
            " `data/raw/captured-staging-20260304-20260310.csv` on the runner, but no pull request"
            " was opened (set CT_APP_ID and CT_APP_PRIVATE_KEY, or see the run):"
            " nothing was kept."
        ]
    }
    label = {"name": "model-drift-staging", "color": "d93f0b"}
    label["description"] = "The drift monitor found drift in staging"
    listing = f"/repos/{REPOSITORY}/issues?state=open&labels=model-drift-staging&per_page=100"
    assert [(m, p) for m, p, _ in github.requests] == [
        ("POST", f"/repos/{REPOSITORY}/labels"),
        ("GET", listing),
        ("POST", f"/repos/{REPOSITORY}/issues"),
        ("POST", f"/repos/{REPOSITORY}/labels"),  # 422 already_exists: fine
        ("GET", listing),
        ("POST", f"/repos/{REPOSITORY}/issues/4/comments"),
    ]
    assert github.requests[0][2] == label


def test_a_refused_token_fails_the_step(repo: Path) -> None:
    """An issue that could not be written is a failed job, never a silent success."""
    step = job_steps(repo / ".github/workflows/drift.yml", "signal-staging")[STEP]
    github = Repository()
    with github_api(github) as api:
        env = {"GITHUB_API_URL": api, "GITHUB_SERVER_URL": "https://github.com"}
        env.update(GITHUB_REPOSITORY=REPOSITORY, GITHUB_RUN_ID="77")
        expressions = {"github.token": "wrong", "needs.monitor-staging.outputs.report": "r"}
        expressions["needs.monitor-staging.outputs.registered"] = ""
        ran = run_step(step, repo, env, repo.parent / "runner-temp", expressions)
    assert ran.returncode != 0
    assert "401" in ran.stderr
    assert github.issues == []


def test_the_signal_job_writes_issues_only_when_nothing_was_proposed(repo: Path) -> None:
    workflow: dict[str, Any] = yaml.safe_load(
        (repo / ".github/workflows/drift.yml").read_text(encoding="utf-8")
    )
    assert workflow["permissions"] == {}
    assert sorted(workflow["jobs"]) == [
        "monitor-production", "monitor-staging", "signal-production", "signal-staging"
    ]  # fmt: skip
    monitor, job = workflow["jobs"]["monitor-staging"], workflow["jobs"]["signal-staging"]
    assert job["permissions"] == {"issues": "write"}
    assert "issues" not in monitor["permissions"]
    assert (job["needs"], job["if"]) == ("monitor-staging", IF)
    assert monitor["outputs"] == {
        "drift": "${{ steps.drift.outputs.drift }}",
        "registered": "${{ steps.drift.outputs.registered }}",
        "report": "${{ steps.drift.outputs.report }}",
        "proposed": "${{ steps.propose.outcome }}",
    }
    propose = [s for s in monitor["steps"] if s.get("id") == "propose"]
    assert [s["with"]["add-paths"] for s in propose] == [
        "data/raw/*.dvc\ndata/raw/*.ids\ndata/raw/.gitignore\n"
    ]
    assert [step.get("uses") for step in job["steps"]] == [None]  # no checkout, no action
