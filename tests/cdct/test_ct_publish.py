"""The one job that holds the GitHub App's key runs none of a branch's code, runs from the
default branch, and commits only what it accepts.

``ct.yml`` and ``serve-image.yml`` run a pull request's code (``dvc repro``, the pins tool,
the locked packages) and hold no key: they upload the files they wrote as an artifact.
``publish.yml`` (``workflow_run``: GitHub runs it from the default branch) moves the result
onto the branch's tip in its ``rebase`` job (no secret), and its ``publish`` job
(environment ``github-app``, which admits main alone) checks it with
``.github/scripts/accept_result.py`` from the default branch and only then commits. The
accept step runs here for real, from the rendered workflow, on artifacts built inline.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.cdct.conftest import Render, copy_repo, git, run
from tests.cdct.workflow_steps import Ran, job_steps, run_step

ACCEPT = {"ct": "Accept only the files CT writes", "serve-image": "Accept only the pin files"}
KEY = "secrets.CT_APP_PRIVATE_KEY"
CHECKER = "python3 trusted/.github/scripts/accept_result.py"
PUBLISH = ".github/workflows/publish.yml"
IMAGE = "us-central1-docker.pkg.dev/p/r/my-ml-project-serve@sha256:" + "ab" * 32
# What a job that holds the App's key may run: git, and the default branch's checker.
# A command (at a line's start, or after ; | & or $( ) that runs the checkout's code.
BRANCH_CODE = re.compile(
    r"(?m)(?:^|[;|&(])\s*(?:pip|dvc|uv|make|npm|pytest|python3? -m|\./|bash|sh|source)\b"
)


def meta(kind: str, tip: str, changes: dict[str, str] | None = None) -> bytes:
    """The rebase job's meta.json for a result built on ``tip``, with ``changes``."""
    facts = {"kind": kind, "tip": tip, "commit": tip}
    facts |= {"decision": "proposed"} if kind == "ct" else {"image": IMAGE}
    return json.dumps(facts | (changes or {})).encode()


def accept(
    repo: Path, kind: str, files: dict[str, bytes], tmp_path: Path, with_meta: bool = True
) -> tuple[Ran, Path]:
    """The publish job's accept step on an artifact holding ``files`` (repository path to
    bytes; a ``bytes`` value starting with ``symlink:`` makes a symlink to the rest), and,
    unless given, a meta.json built on the checkout's commit; the step's result and the
    workspace's ``repo/``."""
    space, runner = tmp_path / "workspace", tmp_path / "runner"
    checkout = space / "repo"
    if (repo / ".git").exists():
        shutil.copytree(repo, checkout, symlinks=True)
    else:
        copy_repo(repo, checkout)
    shutil.copytree(repo / ".github/scripts", space / "trusted/.github/scripts")
    result = runner / "result"
    (result / "files").mkdir(parents=True)
    if with_meta and "meta.json" not in files:
        files = {**files, "meta.json": meta(kind, git(checkout, "rev-parse", "HEAD").strip())}
    for relative, content in files.items():
        target = result / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if content.startswith(b"symlink:"):
            target.symlink_to(content.removeprefix(b"symlink:").decode())
        else:
            target.write_bytes(content)
    step = job_steps(repo / PUBLISH, "publish")[ACCEPT[kind]]
    return run_step(step, space, {}, runner), checkout


def test_the_result_of_a_training_run_is_accepted_and_copied(
    render: Render, tmp_path: Path
) -> None:
    repo = render(cloud="aws")
    files = {
        "files/dvc.lock": b"schema: '2.0'\n",
        "files/metrics.json": b'{"accuracy": 0.9}\n',
        "files/deploy/overlays/staging/serving/kustomization.yaml": b"kind: Component\n",
        "pr-body.md": b"Retrained.\n",
    }
    ran, checkout = accept(repo, "ct", files, tmp_path)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    paths = ["deploy/overlays/staging/serving/kustomization.yaml", "dvc.lock", "metrics.json"]
    tip = git(checkout, "rev-parse", "HEAD").strip()
    assert ran.outputs == {
        "paths": "\n".join(paths),
        "tip": tip,
        "decision": "proposed",
        "image": "",
    }
    assert ran.stdout == f"accepted 3 files: {', '.join(paths)}\n"
    assert (checkout / "metrics.json").read_bytes() == b'{"accuracy": 0.9}\n'


@pytest.mark.parametrize(
    ("files", "refusals"),
    [
        (
            {"files/dvc.lock": b"ok\n", "files/.github/workflows/ci.yml": b"on: push\n"},
            [".github/workflows/ci.yml: not a file this job may change"],
        ),
        (
            {"files/src/my_ml_project/train.py": b"import os\n"},
            ["src/my_ml_project/train.py: not a file this job may change"],
        ),
        (
            {"files/metrics.json": b"symlink:/etc/passwd"},
            ["metrics.json: not a regular file (a symlink or a special file)"],
        ),
        (
            {"files/deploy": b"symlink:../../.git", "files/dvc.lock": b"ok\n"},
            ["deploy: not a regular file (a symlink or a special file)"],
        ),
        (
            {"files/dvc.lock": b"\x00\x01pickle"},
            ["dvc.lock: binary content (a NUL byte)"],
        ),
        (
            {"files/metrics.json": b"{}" * (10 * 1024 * 1024 + 1)},
            [f"metrics.json: {20 * 1024 * 1024 + 2} bytes, more than {20 * 1024 * 1024}"],
        ),
        (
            {"files/dvc.lock": b"ok\n", "payload.sh": b"curl evil\n"},
            ["payload.sh: not part of a result (files/ and meta.json, pr-body.md)"],
        ),
        ({"pr-body.md": b"no files\n"}, ["the result holds no file"]),
    ],
)
def test_an_artifact_touching_anything_else_is_refused_whole(
    render: Render, tmp_path: Path, files: dict[str, bytes], refusals: list[str]
) -> None:
    repo = render(cloud="aws")
    ran, checkout = accept(repo, "ct", files, tmp_path)
    assert ran.returncode == 1
    assert ran.stdout.splitlines() == [f"::error::refused: {line}" for line in refusals]
    assert ran.outputs == {}
    assert git(checkout, "status", "--porcelain") == ""  # nothing copied


def test_a_checkout_path_behind_a_symlink_is_not_written_through(
    render: Render, tmp_path: Path
) -> None:
    """The branch's own tree may turn a folder CT writes into a symlink out of the checkout."""
    repo = copy_repo(render(cloud="aws"), tmp_path / "branch")
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.rmtree(repo / "deploy")
    (repo / "deploy").symlink_to(outside)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "deploy is a symlink on this branch")
    files = {"files/deploy/staging.yaml": b"environment: staging\n"}
    ran, _ = accept(repo, "ct", files, tmp_path / "run")
    assert ran.returncode == 1
    assert ran.stdout == "::error::refused: deploy/staging.yaml: the checkout's path is a symlink\n"
    assert list(outside.iterdir()) == []


def test_the_image_pin_job_may_change_the_pin_files_only(render: Render, tmp_path: Path) -> None:
    repo = render(cloud="gcp")
    pin = {"files/deploy/staging.yaml": b"environment: staging\n"}
    ran, checkout = accept(repo, "serve-image", pin, tmp_path / "pin")
    tip = git(checkout, "rev-parse", "HEAD").strip()
    assert (ran.returncode, ran.outputs) == (
        0,
        {"paths": "deploy/staging.yaml", "tip": tip, "decision": "", "image": IMAGE},
    )
    lock = {**pin, "files/dvc.lock": b"stages: {}\n"}
    ran, _ = accept(repo, "serve-image", lock, tmp_path / "lock")
    assert (ran.returncode, ran.stdout) == (
        1,
        "::error::refused: dvc.lock: not a file this job may change\n",
    )


def _jobs(repo: Path, workflow: str) -> dict[str, Any]:
    loaded = yaml.safe_load((repo / ".github/workflows" / workflow).read_text(encoding="utf-8"))
    return dict(loaded["jobs"])


def _assert_runs_no_branch_code(job: dict[str, Any]) -> None:
    for step in job["steps"]:
        if "run" in step:
            command = re.sub(r"--allow \S+", "", step["run"])  # paths, not commands
            assert not BRANCH_CODE.search(command), command
            assert re.findall(r"python3? \S+", command) in ([], [CHECKER]), command
        if "checkout" in str(step.get("uses")):
            assert step["with"]["persist-credentials"] is False


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
@pytest.mark.parametrize("target", ["kserve", "managed"])
def test_only_publish_yml_holds_the_app_key_and_runs_none_of_the_branch_code(
    render: Render, cloud: str, target: str
) -> None:
    """The key is read in one job (publish.yml's publish; gcp's launch also mints runners),
    which runs no branch code, takes its checker from the default branch (in workflow_run,
    ``github.sha`` is the default branch's tip) and commits exactly the tip it checked out."""
    repo = render(cloud=cloud, deploy_target=target)
    holders = []
    for path in sorted((repo / ".github/workflows").glob("*.yml")):
        for name, job in _jobs(repo, path.name).items():
            text = yaml.safe_dump(job)
            if KEY not in text:
                continue
            holders.append(f"{path.name}:{name}")
            if path.name == "drift.yml":  # main only: schedule, dispatch; no branch code
                assert job["environment"] == "monitoring"
                continue
            if name == "launch":  # gcp: registers a runner; checks out nothing
                assert "checkout" not in text and "run: |" not in text.split(KEY)[0]
                continue
            assert job["environment"] == "github-app"
            _assert_runs_no_branch_code(job)
    expected = [
        "drift.yml:" + n
        for n in _jobs(repo, "drift.yml")
        if KEY in str(_jobs(repo, "drift.yml")[n])
    ]
    assert sorted(holders) == sorted(
        ["publish.yml:publish", *expected] + (["ct.yml:launch"] if cloud == "gcp" else [])
    )
    publish = _jobs(repo, "publish.yml")["publish"]
    checkouts = {
        s["with"]["path"]: s["with"] for s in publish["steps"] if "checkout" in str(s.get("uses"))
    }
    assert checkouts["trusted"]["ref"] == "${{ github.sha }}"
    assert checkouts["trusted"]["sparse-checkout"] == ".github/scripts"
    assert checkouts["repo"]["ref"] == "${{ needs.rebase.outputs.tip }}"


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_publish_runs_from_the_default_branch_for_this_repositorys_runs_only(
    render: Render, cloud: str
) -> None:
    """workflow_run: GitHub takes publish.yml from the default branch whatever a branch
    holds; fork runs, bot runs and other workflows never reach the rebase job, and the
    publish job needs it; the rebase job (which reads the branch's files) holds nothing."""
    repo = render(cloud=cloud)
    workflow = yaml.safe_load((repo / PUBLISH).read_text(encoding="utf-8"))
    assert workflow[True] == {
        "workflow_run": {"workflows": ["ct", "serve-image"], "types": ["completed"]}
    }
    assert workflow["permissions"] == {}
    rebase, publish = workflow["jobs"]["rebase"], workflow["jobs"]["publish"]
    for condition in (
        "github.event.workflow_run.head_repository.full_name == github.repository",
        "!endsWith(github.event.workflow_run.actor.login, '[bot]')",
        "github.actor != 'dependabot[bot]'",
        "((github.event.workflow_run.path == '.github/workflows/ct.yml'"
        " || startsWith(github.event.workflow_run.path, '.github/workflows/ct.yml@'))"
        " || (github.event.workflow_run.path == '.github/workflows/serve-image.yml'"
        " || startsWith(github.event.workflow_run.path, '.github/workflows/serve-image.yml@')))",
        "(github.event.workflow_run.event == 'pull_request'"
        " || github.event.workflow_run.head_branch == github.event.repository.default_branch)",
    ):
        assert condition in rebase["if"], condition
    assert (publish["needs"], publish["if"]) == ("rebase", "needs.rebase.outputs.publish == 'true'")
    assert "environment" not in rebase and "secrets." not in yaml.safe_dump(rebase)
    assert rebase["permissions"] == {"actions": "read", "contents": "read"}
    assert publish["permissions"] == {"contents": "read"}
    group = workflow["concurrency"]["group"]
    assert "format('pr-{0}', github.event.workflow_run.head_branch)" in group  # one per PR
    assert workflow["concurrency"]["cancel-in-progress"] is False
    assert not (repo / ".github/workflows/ct.yml").read_text(encoding="utf-8").count(KEY) > (
        1 if cloud == "gcp" else 0
    )


def test_cloud_none_has_no_publisher(render: Render) -> None:
    repo = render(cloud="none")
    assert not (repo / PUBLISH).exists()
    assert not (repo / ".github/scripts/rebase_result.py").exists()


@pytest.mark.parametrize(
    ("kind", "fields", "refusal"),
    [
        ("ct", {"kind": "serve-image"}, "meta.json: kind is not ct"),
        ("ct", {"decision": "merged"}, "meta.json: decision is not one of proposed, rejected"),
        ("ct", {"tip": "HEAD"}, "meta.json: tip is not a 40-hex commit"),
        ("ct", {"tip": "0" * 40}, f"meta.json: tip {'0' * 40} is not the commit checked out"),
        ("serve-image", {"image": "evil:latest"}, "meta.json: image is not <name>@sha256:<hex>"),
        (
            "serve-image",
            {"image": "x@sha256:" + "ab" * 32 + "\nrm -rf /"},
            "meta.json: image is not <name>@sha256:<hex>",
        ),
    ],
)
def test_a_meta_json_that_says_anything_else_is_refused(
    render: Render, tmp_path: Path, kind: str, fields: dict[str, str], refusal: str
) -> None:
    """Every field the publish job uses (the branch to propose, the title, the image in the
    commit message, the commit it builds on) comes from meta.json, which branch code wrote."""
    repo = copy_repo(render(cloud="aws"), tmp_path / "repo")
    tip = git(repo, "rev-parse", "HEAD").strip()
    files = {
        "files/deploy/staging.yaml": b"environment: staging\n",
        "meta.json": meta(kind, tip, fields),
    }
    ran, checkout = accept(repo, kind, files, tmp_path / "run")
    assert (ran.returncode, ran.stdout) == (1, f"::error::refused: {refusal}\n")
    assert git(checkout, "status", "--porcelain") == ""
    missing = {"files/deploy/staging.yaml": b"environment: staging\n"}
    ran, _ = accept(repo, kind, missing, tmp_path / "no-meta", with_meta=False)
    assert ran.stdout == "::error::refused: meta.json: missing, or not a small regular file\n"


@pytest.mark.parametrize("framework", ["sklearn", "pytorch"])
@pytest.mark.parametrize("target", ["kserve", "managed"])
def test_ct_accepts_exactly_the_files_ct_writes_to_git(
    render: Render, framework: str, target: str
) -> None:
    """The accept step's list is ``ct.py``'s ``git_outputs`` (dvc.lock, the uncached outs
    and metrics of dvc.yaml, the pin and its overlay)."""
    repo = render(cloud="aws", ml_framework=framework, deploy_target=target)
    step = job_steps(repo / PUBLISH, "publish")[ACCEPT["ct"]]
    allowed = re.findall(r"--allow (\S+)", step["run"])
    rebase = job_steps(repo / PUBLISH, "rebase")["Move the result onto the branch's tip"]
    assert re.findall(r"--ct (\S+)", rebase["run"]) == allowed  # what the rebase may re-apply
    script = "from my_ml_project import ct; print('\\n'.join(ct.git_outputs('staging')))"
    done = run([sys.executable, "-c", script], repo, {"PYTHONPATH": str(repo / "src")})
    assert done.returncode == 0, done.stderr
    assert sorted(allowed) == sorted(done.stdout.split())


def test_a_decision_in_the_images_result_never_reaches_the_outputs(
    render: Render, tmp_path: Path
) -> None:
    """The image's result has no decision: a meta.json that carries one (with a newline that
    would add outputs of its own) is accepted for its files, and no such line is written."""
    repo = copy_repo(render(cloud="aws"), tmp_path / "repo")
    tip = git(repo, "rev-parse", "HEAD").strip()
    hostile = {"decision": "x\npaths=.github/workflows/ci.yml\nimage=evil"}
    files = {
        "files/deploy/staging.yaml": b"environment: staging\n",
        "meta.json": meta("serve-image", tip, hostile),
    }
    ran, _ = accept(repo, "serve-image", files, tmp_path / "run")
    assert ran.returncode == 0, ran.stdout
    assert ran.outputs["decision"] == ""
    assert ran.outputs["paths"] == "deploy/staging.yaml"
    assert ran.outputs["image"] == IMAGE
