"""The jobs that hold the GitHub App's key run none of a branch's code, and commit only
what they accept.

``ct.yml`` and ``serve-image.yml`` split each job that ran a pull request's code (``dvc
repro``, the pins tool, the locked packages) from the job that mints the App's token: the
first uploads the files it wrote as an artifact, the second (``publish``, environment
``github-app``) checks the artifact with ``.github/scripts/accept_result.py`` from the
base branch and only then commits. The accept step runs here for real, from the rendered
workflow, on artifacts built inline.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.cdct.conftest import Render, run
from tests.cdct.workflow_steps import Ran, job_steps, run_step

ACCEPT = {
    "ct.yml": "Accept only the files CT writes",
    "serve-image.yml": "Accept only the pin files",
}
ARTIFACT = {"ct.yml": "ct-result", "serve-image.yml": "image-pin"}
KEY = "secrets.CT_APP_PRIVATE_KEY"
CHECKER = "python3 trusted/.github/scripts/accept_result.py"
# What a job that holds the App's key may run: git, and the base branch's checker.
# A command (at a line's start, or after ; | & or $( ) that runs the checkout's code.
BRANCH_CODE = re.compile(
    r"(?m)(?:^|[;|&(])\s*(?:pip|dvc|uv|make|npm|pytest|python3? -m|\./|bash|sh|source)\b"
)


def accept(repo: Path, workflow: str, files: dict[str, bytes], tmp_path: Path) -> tuple[Ran, Path]:
    """The publish job's accept step on an artifact holding ``files`` (repository path to
    bytes; a ``bytes`` value starting with ``symlink:`` makes a symlink to the rest); the
    step's result and the workspace's ``repo/``."""
    space, runner = tmp_path / "workspace", tmp_path / "runner"
    shutil.copytree(repo, space / "repo", symlinks=True)
    shutil.copytree(repo / ".github/scripts", space / "trusted/.github/scripts")
    result = runner / ARTIFACT[workflow]
    (result / "files").mkdir(parents=True)
    for relative, content in files.items():
        target = result / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if content.startswith(b"symlink:"):
            target.symlink_to(content.removeprefix(b"symlink:").decode())
        else:
            target.write_bytes(content)
    step = job_steps(repo / ".github/workflows" / workflow, "publish")[ACCEPT[workflow]]
    return run_step(step, space, {}, runner), space / "repo"


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
    ran, checkout = accept(repo, "ct.yml", files, tmp_path)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    paths = ["deploy/overlays/staging/serving/kustomization.yaml", "dvc.lock", "metrics.json"]
    assert ran.outputs == {"paths": "\n".join(paths)}
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
            ["payload.sh: not part of a result (files/ and pr-body.md)"],
        ),
        ({"pr-body.md": b"no files\n"}, ["the result holds no file"]),
    ],
)
def test_an_artifact_touching_anything_else_is_refused_whole(
    render: Render, tmp_path: Path, files: dict[str, bytes], refusals: list[str]
) -> None:
    repo = render(cloud="aws")
    ran, checkout = accept(repo, "ct.yml", files, tmp_path)
    assert ran.returncode == 1
    assert ran.stdout.splitlines() == [f"::error::refused: {line}" for line in refusals]
    assert ran.outputs == {}
    assert (checkout / "dvc.lock").exists() is (repo / "dvc.lock").exists()  # nothing copied
    assert sorted(p.name for p in checkout.iterdir()) == sorted(p.name for p in repo.iterdir())


def test_a_checkout_path_behind_a_symlink_is_not_written_through(
    render: Render, tmp_path: Path
) -> None:
    """The branch's own tree may turn a folder CT writes into a symlink out of the checkout."""
    repo = tmp_path / "branch"
    shutil.copytree(render(cloud="aws"), repo)
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.rmtree(repo / "deploy")
    (repo / "deploy").symlink_to(outside)
    files = {"files/deploy/staging.yaml": b"environment: staging\n"}
    ran, _ = accept(repo, "ct.yml", files, tmp_path / "run")
    assert ran.returncode == 1
    assert ran.stdout == "::error::refused: deploy/staging.yaml: the checkout's path is a symlink\n"
    assert list(outside.iterdir()) == []


def test_the_image_pin_job_may_change_the_pin_files_only(render: Render, tmp_path: Path) -> None:
    repo = render(cloud="gcp")
    pin = {"files/deploy/staging.yaml": b"environment: staging\n"}
    ran, _ = accept(repo, "serve-image.yml", pin, tmp_path / "pin")
    assert (ran.returncode, ran.outputs) == (0, {"paths": "deploy/staging.yaml"})
    lock = {**pin, "files/dvc.lock": b"stages: {}\n"}
    ran, _ = accept(repo, "serve-image.yml", lock, tmp_path / "lock")
    assert (ran.returncode, ran.stdout) == (
        1,
        "::error::refused: dvc.lock: not a file this job may change\n",
    )


def _jobs(repo: Path, workflow: str) -> dict[str, Any]:
    loaded = yaml.safe_load((repo / ".github/workflows" / workflow).read_text(encoding="utf-8"))
    return dict(loaded["jobs"])


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
@pytest.mark.parametrize("target", ["kserve", "managed"])
def test_jobs_with_the_app_key_run_none_of_the_branch_code(
    render: Render, cloud: str, target: str
) -> None:
    repo = render(cloud=cloud, deploy_target=target)
    holders = []
    for workflow in ("ct.yml", "serve-image.yml"):
        for name, job in _jobs(repo, workflow).items():
            text = yaml.safe_dump(job)
            if KEY not in text:
                continue
            holders.append(f"{workflow}:{name}")
            if name == "launch":  # gcp: registers a runner; checks out nothing
                assert "checkout" not in text and "run: |" not in text.split(KEY)[0]
                continue
            assert job["environment"] == "github-app"
            for step in job["steps"]:
                if "run" in step:
                    command = re.sub(r"--allow \S+", "", step["run"])  # paths, not commands
                    assert not BRANCH_CODE.search(command), command
                    assert re.findall(r"python3? \S+", command) in ([], [CHECKER]), command
                if "checkout" in str(step.get("uses")):
                    assert step["with"]["persist-credentials"] is False
    expected = ["ct.yml:publish", "serve-image.yml:publish"]
    assert sorted(holders) == sorted(expected + (["ct.yml:launch"] if cloud == "gcp" else []))


@pytest.mark.parametrize("framework", ["sklearn", "pytorch"])
@pytest.mark.parametrize("target", ["kserve", "managed"])
def test_ct_accepts_exactly_the_files_ct_writes_to_git(
    render: Render, framework: str, target: str
) -> None:
    """The accept step's list is ``ct.py``'s ``git_outputs`` (dvc.lock, the uncached outs
    and metrics of dvc.yaml, the pin and its overlay)."""
    repo = render(cloud="aws", ml_framework=framework, deploy_target=target)
    step = job_steps(repo / ".github/workflows/ct.yml", "publish")[ACCEPT["ct.yml"]]
    allowed = re.findall(r"--allow (\S+)", step["run"])
    script = "from my_ml_project import ct; print('\\n'.join(ct.git_outputs('staging')))"
    done = run([sys.executable, "-c", script], repo, {"PYTHONPATH": str(repo / "src")})
    assert done.returncode == 0, done.stderr
    assert sorted(allowed) == sorted(done.stdout.split())
