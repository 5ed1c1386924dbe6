"""What each cloud answer's CT can do, said the same way by README.md, ct.yml and ci.yml.

With ``cloud: none`` the DVC remote is a folder that a runner loses with the job, so
CT is local-only: it never pulls, pushes, proposes a pin or retrains a pull request,
and CI never treats a stale lock as waiting for CT. With a cloud, CI treats it so
only under the settings that ct.yml's plan job requires.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.cdct.conftest import Render, copy_repo, git
from tests.cdct.workflow_steps import Ran, run_step

PLAN = "Train unless this is a fork's pull request or CT's own commit"
APP_TOKEN = "actions/create-github-app-token"


def _workflow(repo: Path, name: str) -> dict[Any, Any]:
    data = yaml.safe_load((repo / ".github/workflows" / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _step(job: dict[str, Any], name: str) -> dict[str, Any]:
    return next(step for step in job["steps"] if step.get("name") == name)


def _mlrig_env(repo: Path) -> dict[str, Any]:
    steps = _workflow(repo, "ci.yml")["jobs"]["mlrig"]["steps"]
    return next(step for step in steps if "/mlrig@" in str(step.get("uses")))["env"]


def test_cloud_none_ct_is_local_only(render: Render) -> None:
    repo = render(cloud="none")
    train = _workflow(repo, "ct.yml")["jobs"]["train"]
    names = [step.get("name") for step in train["steps"]]
    assert "dvc repro" in names and "dvc pull" not in names and "dvc push" not in names
    jobs = _workflow(repo, "ct.yml")["jobs"]
    # No App token anywhere: no publish job, so no pull request and no commit.
    assert "publish" not in jobs
    assert not [
        step for job in jobs.values() for step in job["steps"] if APP_TOKEN in str(step.get("uses"))
    ]
    plan = _step(_workflow(repo, "ct.yml")["jobs"]["plan"], PLAN)
    assert plan["env"]["REMOTE_ENABLED"] == "false"
    assert "cloud 'none' has no shared DVC remote" in plan["run"]
    assert _mlrig_env(repo) == {"MLRIG_CT_ENABLED": "false"}
    ci = _workflow(repo, "ci.yml")["jobs"]["pipeline"]
    assert _step(ci, "Rerun every stage from the pinned inputs, and compare with dvc.lock")[
        "env"
    ] == {"CT_RETRAINS_THIS_PR": "false"}
    readme = (repo / "README.md").read_text(encoding="utf-8")
    assert "**With `cloud: none` CT is local-only.**" in readme
    assert "`DVC_REMOTE_ENABLED`" not in readme
    assert "`cloud: none` has no Terraform" in readme


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_ci_waits_for_ct_only_under_the_settings_ct_requires(render: Render, cloud: str) -> None:
    repo = render(cloud=cloud)
    plan = _step(_workflow(repo, "ct.yml")["jobs"]["plan"], PLAN)
    assert plan["env"]["REMOTE_ENABLED"] == "${{ vars.DVC_REMOTE_ENABLED }}"
    assert plan["env"]["APP_ID"] == "${{ vars.CT_APP_ID }}"
    assert '[ "$REMOTE_ENABLED" != true ] || [ -z "$APP_ID" ]' in plan["run"]
    enabled = _mlrig_env(repo)["MLRIG_CT_ENABLED"]
    assert enabled == (
        "${{ github.event_name == 'pull_request' && "
        "github.event.pull_request.head.repo.full_name == github.repository && "
        "vars.DVC_REMOTE_ENABLED == 'true' && vars.CT_APP_ID != '' }}"
    )
    readme = (repo / "README.md").read_text(encoding="utf-8")
    assert "CT is local-only" not in readme
    labels = "`terraform output github_repository_variables`"
    assert (labels in readme) == (cloud != "azure")


def test_the_readme_pins_staging_before_the_commit(render: Render) -> None:
    readme = (render(cloud="aws") / "README.md").read_text(encoding="utf-8")
    assert (
        "python -m my_ml_project.pins update staging\n"
        "git add dvc.lock metrics.json eval/ deploy/\n"
        "dvc push\n"
    ) in readme
    assert "`dvc_plots/`, where it writes them, is git-ignored" in readme
    assert "dvc_plots/\n" in (render(cloud="aws") / ".gitignore").read_text(encoding="utf-8")
    assert "The GPU runners need a second GitHub App" in readme
    gcp = (render(cloud="gcp") / "README.md").read_text(encoding="utf-8")
    assert "The GPU runners need a second GitHub App" not in gcp


@pytest.mark.parametrize("framework", ["sklearn", "pytorch"])
def test_setup_installs_the_lock_that_dvc_repro_needs(tmp_path: Path, framework: str) -> None:
    """``mlrig new``'s next steps and the README install the lock that has the
    framework the stages import (torch is only in the training lock)."""
    import subprocess
    import sys

    command = [sys.executable, "-m", "toolkit", "new", "-o", str(tmp_path), "--no-input"]
    done = subprocess.run(
        [*command, "--set", f"ml_framework={framework}"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    repo = tmp_path / "my-ml-project"
    lock = "requirements-train.txt" if framework == "pytorch" else "requirements.txt"
    assert f"python -m pip install --require-hashes -r {lock}\n" in done.stdout + done.stderr
    readme = (repo / "README.md").read_text(encoding="utf-8")
    assert f"python -m pip install --require-hashes -r {lock}\n" in readme
    module = "import torch" if framework == "pytorch" else "from sklearn"
    package = "torch" if framework == "pytorch" else "scikit-learn"
    assert f"\n{package}==" in (repo / lock).read_text(encoding="utf-8")
    assert f"{module}" in (repo / "src/my_ml_project/model.py").read_text(encoding="utf-8")


def _glob(pattern: str) -> re.Pattern[str]:
    """A GitHub ``paths`` filter pattern: ``**`` crosses folders, ``*`` does not."""
    parts = re.split(r"(\*\*|\*)", pattern)
    table = {"**": ".*", "*": "[^/]*"}
    return re.compile("".join(table.get(part, re.escape(part)) for part in parts) + r"\Z")


@pytest.mark.parametrize(
    "answers", [{"cloud": "aws"}, {"cloud": "gcp", "ml_framework": "pytorch"}, {"cloud": "none"}]
)
def test_ct_triggers_on_every_input_of_the_pipeline_in_git(
    render: Render, answers: dict[str, str]
) -> None:
    """A pull request (or a push to main) that changes any dependency of a stage that no
    stage writes (code, raw data, parameters) makes the lock stale: CT must retrain it."""
    repo = render(**answers)
    stages = yaml.safe_load((repo / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    written = {
        next(iter(out)) if isinstance(out, dict) else out
        for stage in stages.values()
        for out in stage.get("outs", []) + stage.get("metrics", [])
    }
    inputs = {dep for stage in stages.values() for dep in stage["deps"]} - written
    changed = {dep if (repo / dep).is_file() else f"{dep}/new.csv" for dep in inputs}
    changed |= {"params.yaml", "data/raw/new.csv.dvc"}
    events = _workflow(repo, "ct.yml")[True]
    for event in ("push", "pull_request"):
        patterns = [_glob(p) for p in events[event]["paths"]]
        missed = sorted(p for p in changed if not any(g.match(p) for g in patterns))
        assert missed == [], f"{event}: CT does not retrain a change to {missed}"


def _plan(repo: Path, base: str, tmp_path: Path, event: str = "pull_request") -> Ran:
    step = _step(_workflow(repo, "ct.yml")["jobs"]["plan"], PLAN)
    expressions = {
        "github.event_name": event,
        "github.event.pull_request.head.repo.full_name": "my-org/my-ml-project",
        "github.event.pull_request.base.sha || github.event.before": base,
        "vars.DVC_REMOTE_ENABLED": "true",
        "vars.CT_APP_ID": "12345",
    }
    env = {"GITHUB_REPOSITORY": "my-org/my-ml-project"}
    return run_step(step, repo, env, tmp_path / "runner-temp", expressions)


def _edit(repo: Path, path: str, old: str, new: str) -> None:
    text = (repo / path).read_text(encoding="utf-8")
    assert old in text
    (repo / path).write_text(text.replace(old, new), encoding="utf-8")
    git(repo, "commit", "-q", "-am", f"{path}: {new}")


@pytest.mark.parametrize("event", ["pull_request", "push"])
def test_a_change_to_the_gate_alone_retrains_nothing(
    render: Render, tmp_path: Path, event: str
) -> None:
    repo = copy_repo(render(cloud="aws"), tmp_path / "repo")
    base = git(repo, "rev-parse", "HEAD").strip()
    _edit(repo, "params.yaml", "min: {accuracy: 0.8, f1: 0.8}", "min: {accuracy: 0.9, f1: 0.8}")
    _edit(repo, "README.md", "# My ML Project", "# My ML Project, tuned")
    skipped = _plan(repo, base, tmp_path, event)
    assert skipped.outputs["train"] == "false"
    assert skipped.summary == (
        f"CT: train=false (no input of the pipeline changed since {base[:12]}"
        " (params.yaml's gate retrains nothing))\n"
    )
    _edit(repo, "params.yaml", "c: 1.0", "c: 0.5")
    assert _plan(repo, base, tmp_path, event).outputs["train"] == "true"
    first = git(repo, "rev-list", "--max-parents=0", "HEAD").strip()
    git(repo, "reset", "-q", "--hard", first)
    _edit(repo, "src/my_ml_project/model.py", '"""The model', '"""The retuned model')
    assert _plan(repo, first, tmp_path, event).outputs["train"] == "true"
    # No base (a schedule, a dispatch, a new branch): train.
    assert _plan(repo, "", tmp_path, event).outputs["train"] == "true"
    assert _plan(repo, "0" * 40, tmp_path, event).outputs["train"] == "true"


@pytest.mark.parametrize(
    ("framework", "lock", "package"),
    [
        ("sklearn", "requirements.txt", "scikit-learn"),
        ("pytorch", "requirements-train.txt", "torch"),
    ],
)
def test_a_new_lock_retrains_like_a_new_parameter(
    render: Render, tmp_path: Path, framework: str, lock: str, package: str
) -> None:
    """Every stage runs under the lock that CI and CT install: it is a dependency of each
    stage, ct.yml triggers on it (by GitHub's path rules) and its plan job trains on it."""
    repo = copy_repo(render(cloud="gcp", ml_framework=framework), tmp_path / "repo")
    train = _workflow(repo, "ct.yml")["jobs"]["train"]
    installs = _step(train, "Install the locked dependencies")["run"]
    assert f"--require-hashes -r {lock}\n" in installs
    stages = yaml.safe_load((repo / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    assert sorted(name for name, stage in stages.items() if lock in stage["deps"]) == [
        "evaluate",
        "prepare",
        "train",
    ]
    events = _workflow(repo, "ct.yml")[True]
    for event in ("push", "pull_request"):
        assert any(_glob(pattern).match(lock) for pattern in events[event]["paths"]), event
    base = git(repo, "rev-parse", "HEAD").strip()
    text = (repo / lock).read_text(encoding="utf-8")
    version = re.search(rf"(?m)^{re.escape(package)}==(\S+)", text)
    assert version is not None
    _edit(repo, lock, f"\n{package}=={version[1]}", f"\n{package}=={version[1]}.post1")
    ran = _plan(repo, base, tmp_path)
    assert ran.outputs["train"] == "true", ran.summary
    assert ran.summary == "CT: train=true (trigger: pull_request)\n"
