"""The CT loop run locally: the generated ct.yml's own steps, a bare git remote for
GitHub, moto S3 on 127.0.0.1 for the DVC remote.

The ``run:`` steps are taken from the rendered workflow and run as the runner would
(``workflow_steps``); the two actions in between are stood in for by what they do:
create-pull-request commits the step's ``paths`` output to a branch, and a merge
merges it. Pushes to ``https://x-access-token:<token>@github.com/<repo>.git`` reach
the bare remote through ``url.<bare>.insteadOf``.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from packaging.markers import Marker

from tests.cdct.conftest import Render, copy_repo, git, moto_s3, run
from tests.cdct.publish_harness import GitHub, Published
from tests.cdct.test_ct_local import BUCKET, PACKAGE, Repo
from tests.cdct.workflow_steps import Ran, job_steps, run_step

pytestmark = pytest.mark.slow
GITHUB_REPOSITORY = "my-org/my-ml-project"
SAME_REPOSITORY_PR = (
    "github.event_name == 'pull_request' && "
    "github.event.pull_request.head.repo.full_name == github.repository && "
    "vars.DVC_REMOTE_ENABLED == 'true' && vars.CT_APP_ID != ''"
)
REPRODUCE = "Rerun every stage from the pinned inputs, and compare with dvc.lock"
PLAN = "Train unless this is a fork's pull request or CT's own commit"
PULL_REQUEST = {
    "github.event_name": "pull_request",
    "github.event.pull_request.head.repo.full_name": GITHUB_REPOSITORY,
    "vars.DVC_REMOTE_ENABLED": "true",
    "vars.CT_APP_ID": "12345",
}
# What ct.yml's plan job compares a pull request or a push with.
BASE = "github.event.pull_request.base.sha || github.event.before"
TRAIN_STEPS = ("dvc pull", "dvc repro", "dvc push", "Pin, gate and compare with staging")
PR_FILES = {
    "dvc.lock",
    "metrics.json",
    "eval/roc.csv",
    "eval/predictions.csv",
    "deploy/staging.yaml",
    "deploy/overlays/staging/inference-service-patch.yaml",
    "deploy/overlays/staging/serving/kustomization.yaml",
}


class Loop:
    """A bare remote standing in for GitHub, and clones of it that run CT's steps; CT's
    results go through publish.yml's own steps (``publish_harness``)."""

    def __init__(self, root: Path, source: Path, s3: str) -> None:
        self.root, self.s3 = root, s3
        self.published = 0
        self.first_pr: set[str] = set()
        self.first_left: set[str] = set()
        self.first_body = ""
        self.github = GitHub(root / "github", source / ".github/workflows/publish.yml")
        self.remote, self.gitconfig = self.github.remote, self.github.gitconfig
        git(source, "push", "-q", str(self.remote), "HEAD:refs/heads/main")

    def clone(self, name: str, branch: str = "main") -> Repo:
        path = self.root / name
        git(self.root, "clone", "-q", "--branch", branch, str(self.remote), str(path))
        repo = Repo(path)
        repo.env["GIT_CONFIG_GLOBAL"] = str(self.gitconfig)
        repo.dvc("remote", "modify", "--local", "storage", "endpointurl", self.s3)
        return repo

    def step(
        self, repo: Repo, workflow: str, job: str, name: str, expressions: dict[str, str]
    ) -> Ran:
        steps = job_steps(repo.path / ".github/workflows" / workflow, job)
        env = {
            **repo.env,
            "GITHUB_REPOSITORY": GITHUB_REPOSITORY,
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_EVENT_NAME": expressions.get("github.event_name", "schedule"),
            "GITHUB_RUN_ID": "4242",
        }
        return run_step(steps[name], repo.path, env, repo.path.parent / "runner-temp", expressions)

    def train(self, repo: Repo, event: str = "schedule") -> Ran:
        """ct.yml's train job after sign-in: pull, repro, push, then pin, gate and compare."""
        ran = Ran(0, "", "")
        for name in TRAIN_STEPS:
            ran = self.step(repo, "ct.yml", "train", name, {"github.event_name": event})
            assert ran.returncode == 0, f"{name}: {ran.stdout}{ran.stderr}"
        return ran

    def publish(self, trained: Repo, ran: Ran, branch: str = "") -> Published:
        """The train job's artifact (its collect step), handed over as upload and download
        do, then publish.yml: for a pull request's ``branch``, moved onto its tip and
        committed; else (a run on main) accepted on the trained commit, for the caller's
        create-pull-request."""
        commit = self.step(trained, "ct.yml", "train", "The trained commit", {})
        facts = {
            "steps.propose.outputs.paths": ran.outputs["paths"],
            "steps.propose.outputs.decision": ran.outputs["decision"],
            "steps.trained.outputs.commit": commit.outputs["commit"],
        }
        collected = self.step(trained, "ct.yml", "train", "Collect the files for git", facts)
        assert collected.returncode == 0, collected.stdout + collected.stderr
        self.published += 1
        run = f"ct-{self.published}"
        self.github.artifacts[run] = self.root / f"artifact-{run}"
        shutil.copytree(self.root / "runner-temp/ct-result", self.github.artifacts[run])
        on_main = "" if branch else commit.outputs["commit"]
        published = self.github.publish("ct", run, branch, commit=on_main)
        assert published.accepted is not None, published.rebase.stdout + published.rebase.stderr
        assert published.accepted.returncode == 0, published.accepted.stdout
        return published

    def open_pr(self, trained: Repo, ran: Ran, branch: str) -> set[str]:
        """publish.yml's jobs, then what create-pull-request does with the accepted
        ``add-paths``; the files the PR changes."""
        published = self.publish(trained, ran)
        assert published.repo is not None and published.accepted is not None
        repo = published.repo
        git(repo, "checkout", "-q", "-b", branch)
        git(repo, "add", "--", *published.accepted.outputs["paths"].splitlines())
        git(repo, "commit", "-q", "-m", "CT: retrain and pin the new model in staging")
        git(repo, "push", "-q", "origin", branch)
        changed = git(repo, "diff", "--name-only", "origin/main", "HEAD")
        return set(changed.split())

    def as_pull_request(self, repo: Repo, branch: str) -> None:
        """Make ``repo``'s commands run as GitHub Actions does for a pull request from
        this repository's ``branch`` (its variables and event payload)."""
        event = repo.path.parent / f"event-{branch}.json"
        head = {"pull_request": {"head": {"repo": {"full_name": GITHUB_REPOSITORY}}}}
        event.write_text(json.dumps(head), encoding="utf-8")
        repo.env |= {
            "GITHUB_EVENT_NAME": "pull_request",
            "GITHUB_HEAD_REF": branch,
            "GITHUB_REPOSITORY": GITHUB_REPOSITORY,
            "GITHUB_EVENT_PATH": str(event),
        }

    def retrain_pull_request(self, branch: str) -> tuple[Ran, Repo]:
        """ct.yml on the pull request from ``branch``: plan, train, commit back; a fresh
        clone of the branch afterwards."""
        ct = self.clone(f"ct-on-{branch}", branch=branch)
        base = git(ct.path, "rev-parse", "origin/main").strip()
        pull_request = {**PULL_REQUEST, BASE: base}
        assert self.step(ct, "ct.yml", "plan", PLAN, pull_request).outputs["train"] == "true"
        ran = self.train(ct, event="pull_request")
        pushed = self.commit_back(ct, ran, branch)
        assert pushed.returncode == 0, pushed.stdout + pushed.stderr
        after = self.clone(f"after-ct-{branch}", branch=branch)
        subject = git(after.path, "log", "-1", "--format=%s%n%an").split("\n")
        assert subject[:2] == ["CT: retrain for this pull request", "my-ct-app[bot]"]
        skipped = self.step(after, "ct.yml", "plan", PLAN, pull_request)
        assert skipped.outputs["train"] == "false"
        assert (
            "the head commit is publish.yml's (CT's retraining or the serving image's pin)"
            in skipped.summary
        )
        return ran, after

    def commit_back(self, trained: Repo, ran: Ran, branch: str) -> Ran:
        """publish.yml on a pull request's run: rebase, accept, commit to ``branch``, push."""
        published = self.publish(trained, ran, branch)
        assert published.commit is not None
        return published.commit

    def merge(self, branch: str) -> None:
        merger = self.clone(f"merge-{branch.replace('/', '-')}")
        git(merger.path, "merge", "-q", "--no-ff", "-m", f"Merge {branch}", f"origin/{branch}")
        git(merger.path, "push", "-q", "origin", "main")


@pytest.fixture(scope="module")
def s3() -> Iterator[str]:
    with moto_s3(BUCKET) as url:
        yield url


@pytest.fixture(scope="module")
def loop(render: Render, s3: str, tmp_path_factory: pytest.TempPathFactory) -> Loop:
    """A fresh generated repository on the remote, then CT's first pull request, merged."""
    pytest.importorskip("sklearn")
    pytest.importorskip("dvc")
    root = tmp_path_factory.mktemp("loop")
    source = copy_repo(render(cloud="aws"), root / "generated")
    loop = Loop(root, source, s3)
    first = loop.clone("first-ct")
    ran = loop.train(first)
    assert (ran.outputs["decision"], ran.outputs["open_pr"]) == ("proposed", "true")
    loop.first_body = (root / "runner-temp/ct/pr-body.md").read_text(encoding="utf-8")
    loop.first_pr = loop.open_pr(first, ran, "ct/retrain")
    # What training changed in its own checkout, less what the pull request carries.
    status = git(first.path, "status", "--porcelain", "--untracked-files=all")
    loop.first_left = {line[3:] for line in status.splitlines()} - loop.first_pr
    loop.merge("ct/retrain")
    return loop


def test_first_ct_pr_carries_everything_the_pipeline_wrote_to_git(loop: Loop) -> None:
    assert loop.first_pr == PR_FILES
    assert loop.first_left == set()
    assert "## Quality gate: passed\n\nEvery threshold of `gate` for staging holds." in (
        loop.first_body
    )
    assert "| metrics.json | roc_auc" in loop.first_body
    assert "Drawn for both models: ROC curve, Confusion matrix." in loop.first_body


def test_a_fresh_clone_of_the_merge_is_clean(loop: Loop) -> None:
    fresh = loop.clone("fresh")
    fresh.dvc("pull")
    assert fresh.dvc("status").strip() == "Data and pipelines are up to date."
    metrics = fresh.dvc("metrics", "show")
    assert "metrics.json" in metrics and "accuracy" in metrics and "roc_auc" in metrics
    plots = fresh.dvc("plots", "show", "--json")
    assert '"ROC curve"' in plots and '"Confusion matrix"' in plots
    fresh.dvc("plots", "show")  # the HTML, in dvc_plots/
    assert (fresh.path / "dvc_plots/index.html").is_file()
    assert git(fresh.path, "status", "--porcelain") == ""
    done = fresh.check()
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_second_run_with_nothing_changed_opens_no_pr(loop: Loop) -> None:
    again = loop.clone("second-ct")
    ran = loop.train(again)
    assert ran.outputs["decision"] == "unchanged"
    assert ran.outputs["open_pr"] == "false"
    assert "so no pull request is opened" in ran.summary
    assert git(again.path, "status", "--porcelain") == ""  # the pin's commit did not move


def _reproduce_waits_for_ct(loop: Loop, author: Repo, stale: str) -> None:
    """CI's reproducibility job: the stale lock waits for CT in this pull request (it says
    which input changed, never a byte mismatch), and fails anywhere else."""
    waits = loop.step(author, "ci.yml", "pipeline", REPRODUCE, {SAME_REPOSITORY_PR: "true"})
    assert waits.returncode == 0, waits.stdout + waits.stderr
    assert stale in waits.stdout and "does not reproduce" not in waits.stdout
    assert "let CT retrain): CT retrains this pull request and commits it\n" in waits.stdout
    author.ok("git", "checkout", "-q", "--", ".")
    fails = loop.step(author, "ci.yml", "pipeline", REPRODUCE, {SAME_REPOSITORY_PR: "false"})
    assert fails.returncode == 1 and stale in fails.stdout, fails.stdout + fails.stderr
    author.ok("git", "checkout", "-q", "--", ".")


def test_a_params_pr_is_retrained_onto_its_branch_then_passes_check(loop: Loop) -> None:
    author = loop.clone("author")
    git(author.path, "checkout", "-q", "-b", "tune")
    params = author.path / "params.yaml"
    params.write_text(params.read_text(encoding="utf-8").replace("c: 1.0", "c: 0.5"), "utf-8")
    git(author.path, "commit", "-q", "-am", "Tune the regularisation")
    git(author.path, "push", "-q", "origin", "tune")
    on_a_laptop = author.check()
    assert on_a_laptop.returncode == 1
    assert "DVC002 param 'train.c' is 0.5 here" in on_a_laptop.stdout
    assert "or let CT retrain it in a pull request (.github/workflows/ct.yml" in on_a_laptop.stdout
    loop.as_pull_request(author, "tune")
    waiting = author.check()
    assert waiting.returncode == 0, waiting.stdout  # a note while CT retrains the pull request
    assert "CT will retrain this PR: .github/workflows/ct.yml reruns `dvc repro`" in waiting.stdout

    stale = "stage 'train': params differ from params.yaml\ndvc.lock is stale: its inputs"
    _reproduce_waits_for_ct(loop, author, stale)

    ran, after = loop.retrain_pull_request("tune")
    assert ran.outputs["decision"] == "proposed"
    done = after.check()
    assert done.returncode == 0, done.stdout + done.stderr
    after.dvc("pull")
    assert after.dvc("status").strip() == "Data and pipelines are up to date."


def _with_params(repo: Repo, old: str, new: str) -> None:
    params = repo.path / "params.yaml"
    text = params.read_text(encoding="utf-8")
    assert old in text
    params.write_text(text.replace(old, new), encoding="utf-8")
    git(repo.path, "commit", "-q", "-am", f"params: {new.strip()}")


def test_a_candidate_below_the_gate_is_rejected(loop: Loop) -> None:
    bad = loop.clone("rejected")
    _with_params(bad, "c: 1.0", "c: 0.000001")
    ran = loop.train(bad, event="push")
    assert (ran.outputs["decision"], ran.outputs["open_pr"]) == ("rejected", "true")
    body = (bad.path.parent / "runner-temp/ct/pr-body.md").read_text(encoding="utf-8")
    assert body.startswith(
        "Retrained by the CT workflow (trigger: `push`, "
        "run https://github.com/my-org/my-ml-project/actions/runs/4242).\n"
    )
    assert "## Quality gate: REJECTED (do not merge)" in body
    assert "## Metrics: staging model against the new one\n\n| metric | staging | new |" in body
    assert "is above the staging maximum 0.6" in body
    assert "rose more than 0.05 above staging's" in body
    assert "`dvc metrics diff" in body and "`dvc plots diff" in body

    quiet = loop.clone("rejected-quietly")
    _with_params(quiet, "on_reject: pr", "on_reject: none")
    _with_params(quiet, "c: 1.0", "c: 0.000001")
    ran = loop.train(quiet, event="push")
    assert (ran.outputs["decision"], ran.outputs["open_pr"]) == ("rejected", "false")
    assert "gate.on_reject is 'none': no pull request." in ran.summary


def test_promote_refuses_a_model_below_the_production_gate(loop: Loop) -> None:
    repo = loop.clone("promote")
    pins = [sys.executable, "-m", f"{PACKAGE}.pins", "promote", "staging", "production"]
    assert run(pins, repo.path, repo.env).returncode == 0
    repo.ok("git", "checkout", "-q", "--", "deploy")
    _with_params(repo, "min: {accuracy: 0.85, f1: 0.85}", "min: {accuracy: 0.999, f1: 0.85}")
    refused = run(pins, repo.path, repo.env)
    assert refused.returncode == 1
    assert "refused: accuracy" in refused.stderr and "below the production minimum 0.999" in (
        refused.stderr
    )
    assert git(repo.path, "status", "--porcelain") == ""


def test_the_reproducibility_job_fails_on_a_tampered_lock(loop: Loop) -> None:
    repo = loop.clone("reproduce")
    name, main = REPRODUCE, {SAME_REPOSITORY_PR: "false"}
    good = loop.step(repo, "ci.yml", "pipeline", name, main)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "dvc.lock: every stage compared byte for byte: reproduces" in good.stdout
    lock = repo.path / "dvc.lock"
    md5, forged = repo.model_md5(), "0123456789abcdef0123456789abcdef"
    lock.write_text(lock.read_text(encoding="utf-8").replace(md5, forged), encoding="utf-8")
    git(repo.path, "commit", "-q", "-am", "a lock no run produced")
    bad = loop.step(repo, "ci.yml", "pipeline", name, main)
    assert bad.returncode == 1
    assert f"out models/model.joblib is {forged} in dvc.lock, {md5} after the rerun" in bad.stdout
    assert "does not reproduce" in bad.stdout


GATE = "Pinned models meet the quality gate"


def test_a_rejected_pull_request_stays_red_after_a_later_push(loop: Loop) -> None:
    author = loop.clone("worse-author")
    git(author.path, "checkout", "-q", "-b", "worse")
    _with_params(author, "c: 1.0", "c: 0.000001")
    git(author.path, "push", "-q", "origin", "worse")
    ct = loop.clone("worse-ct", branch="worse")
    ct.env["GITHUB_BASE_REF"] = "main"
    ran = loop.train(ct, event="pull_request")
    assert (ran.outputs["decision"], ran.outputs["gate"]) == ("rejected", "refused")
    assert loop.commit_back(ct, ran, "worse").returncode == 0

    # A later push that changes no pipeline input: CI's gate step is still red.
    later = loop.clone("worse-later", branch="worse")
    (later.path / "NOTES.md").write_text("notes\n", encoding="utf-8")
    git(later.path, "add", "NOTES.md")
    git(later.path, "commit", "-q", "-m", "notes")
    red = loop.step(later, "ci.yml", "lint", GATE, {})
    assert red.returncode == 1
    lines = red.stderr.splitlines()
    assert lines[0] == (
        "deploy/staging.yaml: accuracy 0.425 is below the staging minimum 0.8"
        " (params.yaml gate.staging)"
    )
    assert lines[-1] == (
        "deploy/staging.yaml: log_loss 0.694603 is above the staging maximum 0.6"
        " (params.yaml gate.staging)"
    )
    # A later push that CT retrains: nothing changes, and the gate still refuses.
    _with_params(later, "on_reject: pr", "on_reject: pr # reviewed")
    later.env["GITHUB_BASE_REF"] = "main"
    again = loop.train(later, event="pull_request")
    assert (again.outputs["decision"], again.outputs["gate"]) == ("unchanged", "refused")
    assert "- the pinned model still fails the gate: log_loss " in again.summary
    assert "rose more than 0.05 above staging's" in again.summary  # main's staging, not its own


def test_a_production_pin_below_the_production_gate_fails_ci(loop: Loop) -> None:
    repo = loop.clone("production-by-hand")
    green = loop.step(repo, "ci.yml", "lint", GATE, {})
    assert (green.returncode, green.stdout) == (
        0,
        "every pinned model meets its environment's quality gate\n",
    )
    pins = [sys.executable, "-m", f"{PACKAGE}.pins", "promote", "staging", "production"]
    assert run(pins, repo.path, repo.env).returncode == 0
    production = repo.path / "deploy/production.yaml"
    text = production.read_text(encoding="utf-8")
    production.write_text(
        "\n".join(
            "  accuracy: 0.5" if line.startswith("  accuracy: ") else line
            for line in text.splitlines()
        )
        + "\n",
        encoding="utf-8",
    )
    red = loop.step(repo, "ci.yml", "lint", GATE, {})
    assert (red.returncode, red.stderr) == (
        1,
        "deploy/production.yaml: accuracy 0.5 is below the production minimum 0.85"
        " (params.yaml gate.production)\n",
    )


def test_a_pin_citing_a_commit_main_lacks_moves_to_main(loop: Loop) -> None:
    """After a squash merge, the pin's commit is one main never had: the next
    ``pins update`` (CT's next run) moves it to main's, the model unchanged."""
    repo = loop.clone("squashed")
    git(repo.path, "checkout", "-q", "-b", "squashed-away")
    git(repo.path, "commit", "-q", "--allow-empty", "-m", "a commit only the PR branch had")
    orphan = git(repo.path, "rev-parse", "HEAD").strip()
    git(repo.path, "checkout", "-q", "main")
    pin = repo.path / "deploy/staging.yaml"
    kept = repo.yaml("deploy/staging.yaml")["source"]["commit"]  # type: ignore[index]
    pin.write_text(pin.read_text(encoding="utf-8").replace(kept, orphan), encoding="utf-8")
    git(repo.path, "commit", "-q", "-am", "Squash-merge the CT pull request")
    head = git(repo.path, "rev-parse", "HEAD").strip()
    assert repo.pins("update", "staging") == "updated deploy/staging.yaml\n"
    source = repo.yaml("deploy/staging.yaml")["source"]
    assert source["commit"] == head  # type: ignore[index]
    # A commit in main's history stays: the model did not move.
    git(repo.path, "commit", "-q", "-am", "the pin names main's commit")
    assert repo.pins("update", "staging") == (
        "deploy/staging.yaml already pins the model dvc.lock records\n"
    )


def test_a_lock_pr_is_retrained_onto_its_branch_then_passes_check(loop: Loop) -> None:
    """A bump of scikit-learn in the lock makes the stages stale (real dvc), waits for CT
    in the pull request, and CT's commit makes the pull request reproduce and pass."""
    author = loop.clone("bump")
    git(author.path, "checkout", "-q", "-b", "bump-sklearn")
    lock = author.path / "requirements.txt"
    text = lock.read_text(encoding="utf-8")
    lock.write_text(re.sub(r"(?m)^(scikit-learn==[^\s;]+)", r"\1.post1", text), "utf-8")
    python = (author.path / ".python-version").read_text(encoding="utf-8").strip()
    env = {"python_version": python, "python_full_version": f"{python}.0"}
    # The repository's Python picks one of the lock's scikit-learn lines (by their markers).
    (bumped,) = [
        version
        for version, marker in re.findall(r"(?m)^scikit-learn==([^\s;]+)(?: ; ([^\\]+))?", text)
        if not marker or Marker(marker).evaluate(env)
    ]
    git(author.path, "commit", "-q", "-am", "deps: bump scikit-learn")
    git(author.path, "push", "-q", "origin", "bump-sklearn")
    author.dvc("pull")
    status = author.dvc("status")
    for stage in ("prepare", "train", "evaluate"):
        assert f"{stage}:\n\tchanged deps:\n\t\tmodified:           requirements.txt" in status
    on_a_laptop = author.check()
    assert on_a_laptop.returncode == 1
    assert re.search(
        r"(?m)^dvc\.lock:\d+:\d+: DVC\d{3} md5 of requirements\.txt is [0-9a-f]{32}, but this"
        r" lock records [0-9a-f]{32}; .*or let CT retrain it in a pull request"
        r" \(\.github/workflows/ct\.yml reruns `dvc repro` on pull requests that change"
        r" requirements\.txt\)$",
        on_a_laptop.stdout,
    ), on_a_laptop.stdout
    loop.as_pull_request(author, "bump-sklearn")
    waiting = author.check()
    assert waiting.returncode == 0, waiting.stdout
    assert "CT will retrain this PR: .github/workflows/ct.yml reruns `dvc repro` on pull" in (
        waiting.stdout
    )
    stale = "stage 'train': dep requirements.txt changed since dvc.lock was made\n"
    _reproduce_waits_for_ct(loop, author, stale)

    ran, after = loop.retrain_pull_request("bump-sklearn")
    assert ran.outputs["decision"] == "proposed"
    assert after.yaml("deploy/staging.yaml")["training_framework"] == {
        "scikit-learn": f"{bumped}.post1"
    }
    done = after.check()
    assert done.returncode == 0, done.stdout + done.stderr
    after.dvc("pull")
    assert after.dvc("status").strip() == "Data and pipelines are up to date."
    rerun = loop.step(after, "ci.yml", "pipeline", REPRODUCE, {SAME_REPOSITORY_PR: "false"})
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert "\ndvc.lock: every stage compared byte for byte: reproduces\n" in rerun.stdout
