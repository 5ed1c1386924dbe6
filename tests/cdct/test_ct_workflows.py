"""The CT workflow's answer for each cloud, checked at the workflow level.

- Every job that may run on the GPU labels gets its Python from the pinned uv, which
  has a build of each offered Python for any x86-64 glibc Linux (Amazon Linux, the
  Deep Learning VM images, Ubuntu), not from setup-python (Ubuntu builds only).
- GCP: the launcher's GitHub API call and ``gcloud`` command, run with stand-ins for
  ``curl`` and ``gcloud``, use the values of the Terraform outputs they read.
- Azure: hosted runners only, said in the workflow and in the Terraform outputs.
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

from tests.cdct.conftest import Render, run
from tests.cdct.workflow_steps import Ran, job_steps, run_step

CLOUDS = ("aws", "gcp", "azure", "none")
PYTHONS = ("3.10", "3.11", "3.12", "3.13")
MODULES = Path(__file__).resolve().parents[2] / "terraform/modules"
TEMPLATE = Path(__file__).resolve().parents[2] / "templates/ml-repo/cookiecutter.json"
UV_STEP = re.compile(r"Python \S+ from a pinned uv")


def _workflow(repo: Path, name: str = "ct.yml") -> dict[str, Any]:
    data = yaml.safe_load((repo / ".github/workflows" / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _uv() -> dict[str, str]:
    pinned = json.loads(TEMPLATE.read_text(encoding="utf-8"))["_uv"]
    assert isinstance(pinned, dict)
    return pinned


@pytest.mark.parametrize("cloud", CLOUDS)
def test_gpu_jobs_get_python_from_the_pinned_uv(render: Render, cloud: str) -> None:
    repo = render(cloud=cloud)
    gpu_jobs = {
        name: job
        for name, job in _workflow(repo)["jobs"].items()
        if "CT_RUNNER_LABELS" in str(job.get("runs-on"))
    }
    assert set(gpu_jobs) == {"train"}
    steps = gpu_jobs["train"]["steps"]
    assert not [step for step in steps if "setup-python" in str(step.get("uses", ""))]
    (uv_step,) = [step for step in steps if UV_STEP.match(str(step.get("name", "")))]
    pinned = _uv()
    assert uv_step["env"] == {"UV_WHEEL_URL": pinned["wheel"], "UV_WHEEL_SHA256": pinned["sha256"]}
    wheel = pinned["wheel"].rsplit("/", 1)[1]
    # manylinux_2_17: glibc 2.17 or newer (Amazon Linux 2023 has 2.34, Ubuntu 22.04 2.35).
    assert (
        wheel == f"uv-{pinned['version']}-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
    )
    assert f"--python {'3.11'} " in uv_step["run"]
    assert f"uv-{pinned['version']}.data/scripts/uv" in uv_step["run"]


def _uv_binary() -> str:
    found = Path(sys.executable).parent / "uv"
    if not found.exists():
        pytest.skip("uv is not installed beside this interpreter (pip install -e '.[test]')")
    return str(found)


def test_the_pinned_uv_offers_every_python_the_template_offers() -> None:
    uv = _uv_binary()
    version = run([uv, "--version"], Path.cwd())
    assert version.stdout.split()[:2] == ["uv", _uv()["version"]]
    listed = run([uv, "python", "list", "--all-versions", "--only-downloads"], Path.cwd())
    assert listed.returncode == 0, listed.stderr
    offered = json.loads(TEMPLATE.read_text(encoding="utf-8"))["python_version"]
    assert sorted(offered) == sorted(PYTHONS)
    for python in PYTHONS:
        assert re.search(
            rf"^cpython-{re.escape(python)}\.\d+-linux-x86_64-gnu\s", listed.stdout, re.M
        )


@pytest.mark.slow
def test_the_uv_step_checks_the_real_wheel_and_makes_a_venv(render: Render, tmp_path: Path) -> None:
    """The step as written: the wheel from PyPI (downloaded here by pip), its hash, the venv."""
    _uv_binary()
    pinned = _uv()
    wheels = tmp_path / "wheels"
    download = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "--platform", "manylinux_2_17_x86_64", "--python-version", "3.11",
        "-d", str(wheels), f"uv=={pinned['version']}",
    ]  # fmt: skip
    fetched = run(download, tmp_path)
    if fetched.returncode != 0:
        pytest.skip(f"PyPI is not reachable: {fetched.stderr.strip()[-200:]}")
    (wheel,) = wheels.glob("*.whl")
    assert wheel.name == pinned["wheel"].rsplit("/", 1)[1]
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    curl = stubs / "curl"
    curl.write_text(f'#!/bin/sh\n# curl -fsSL -o FILE URL\ncp "{wheel}" "$3"\n', encoding="utf-8")
    curl.chmod(0o755)
    repo = render(cloud="aws", python_version="3.11")
    (step,) = [
        s for name, s in job_steps(repo / ".github/workflows/ct.yml", "train").items()
        if UV_STEP.match(name)
    ]  # fmt: skip
    python311 = shutil.which("python3.11")
    if python311 is None:
        pytest.skip("no Python 3.11 here for uv to find offline")
    env = {
        "PATH": f"{stubs}:{Path(python311).parent}:/usr/bin:/bin",
        "UV_PYTHON_DOWNLOADS": "never",
    }
    ran = run_step(step, repo, env, tmp_path / "runner")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    venv = tmp_path / "runner/venv"
    python = run([venv / "bin/python", "-c", "import sys; print(sys.version_info[:2])"], tmp_path)
    assert python.stdout.strip() == "(3, 11)"
    assert (tmp_path / "runner/venv/bin/pip").exists()  # --seed: the install step uses pip


def _launcher_env(tmp_path: Path) -> tuple[dict[str, str], dict[str, Any]]:
    """Values shaped as the gcp-gpu-runners outputs, and the stubs' log folder."""
    locals_tf = (MODULES / "gcp-gpu-runners/locals.tf").read_text(encoding="utf-8")
    capacities = re.search(r"provisioning\s*=\s*\{([^}]*)\}", locals_tf)
    assert capacities is not None
    keys = re.findall(r"([\w-]+)\s*=", capacities[1])
    assert keys == ["spot", "on-demand"]
    base = "https://www.googleapis.com/compute/v1/projects/acme-ml/global/instanceTemplates"
    outputs: dict[str, Any] = {
        "instance_templates": {key: f"{base}/my-ml-project-{key}-2026" for key in keys},
        "zones": ["us-central1-a", "us-central1-b"],
        "labels": ["self-hosted", "linux", "x64", "gpu", "cuda-12.8", "my-ml-project"],
    }
    expressions = {
        "steps.app-token.outputs.token": "ghs_app",
        "vars.CT_RUNNER_LABELS": json.dumps(outputs["labels"]),
        "vars.GPU_INSTANCE_TEMPLATES": json.dumps(outputs["instance_templates"]),
        "vars.GPU_ZONES": json.dumps(outputs["zones"]),
        "vars.GPU_RUNNER_NAME_PREFIX": "my-ml-project-ct-",
    }
    return expressions, outputs


STUB_CURL = """#!/bin/sh
printf '%s\\n' "$@" >> "$STUBS/curl.args"
echo "--" >> "$STUBS/curl.args"
out=""
while [ $# -gt 0 ]; do
  case "$1" in -o) out="$2"; shift ;; esac
  shift
done
echo '{"runner": {"id": 7}, "encoded_jit_config": "aml0LWNvbmZpZw=="}' > "$out"
"""
STUB_GCLOUD = """#!/bin/sh
printf '%s\\n' "$@" >> "$STUBS/gcloud.args"
echo "--" >> "$STUBS/gcloud.args"
for arg in "$@"; do
  case "$arg" in github-jit-config=*) cat "${arg#github-jit-config=}" > "$STUBS/jit" ;; esac
done
# No capacity in the first zone: the launcher must try the next one.
case "$*" in *"--zone us-central1-a"*|*"$NO_CAPACITY"*) exit 1 ;; esac
"""


def _calls(log: Path) -> list[list[str]]:
    """The argument lists of each call a stub logged."""
    return [call.splitlines() for call in log.read_text(encoding="utf-8").split("--\n")[:-1]]


def _stub(folder: Path, name: str, text: str) -> None:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    path.chmod(0o755)


def _launch(
    repo: Path, tmp_path: Path, no_capacity: str = "no such zone"
) -> tuple[Ran, Path, dict[str, Any]]:
    """The launcher's step with curl and gcloud stood in for; gcloud fails in the first
    zone and in any zone whose arguments contain ``no_capacity``."""
    launch = _workflow(repo)["jobs"]["launch"]
    (step,) = [s for s in launch["steps"] if "run" in s]
    expressions, outputs = _launcher_env(tmp_path)
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    _stub(stubs, "curl", STUB_CURL)
    _stub(stubs, "gcloud", STUB_GCLOUD)
    env = {
        "PATH": f"{stubs}:/usr/bin:/bin",
        "STUBS": str(stubs),
        "NO_CAPACITY": no_capacity,
        "GITHUB_API_URL": "https://api.github.com",
        "GITHUB_REPOSITORY": "my-org/my-ml-project",
        "GITHUB_RUN_ID": "4242",
        "GITHUB_RUN_ATTEMPT": "1",
    }
    return run_step(step, repo, env, tmp_path / "runner", expressions), stubs, outputs


def test_gcp_launcher_asks_github_for_a_jit_runner_and_creates_the_vm(
    render: Render, tmp_path: Path
) -> None:
    if shutil.which("jq") is None:
        pytest.skip("jq is not installed (GitHub's runners have it)")
    repo = render(cloud="gcp")
    workflow = _workflow(repo)
    launch, train = workflow["jobs"]["launch"], workflow["jobs"]["train"]
    assert train["needs"] == ["plan", "launch"]
    assert train["runs-on"] == (
        "${{ vars.CT_RUNNER_LABELS && fromJSON(vars.CT_RUNNER_LABELS) || 'ubuntu-24.04' }}"
    )
    assert launch["permissions"] == {"contents": "read", "id-token": "write"}
    token_step = next(s for s in launch["steps"] if "create-github-app-token" in s.get("uses", ""))
    assert token_step["with"]["permission-administration"] == "write"
    ran, stubs, outputs = _launch(repo, tmp_path)
    assert ran.returncode == 0, ran.stdout + ran.stderr

    (curl,) = _calls(stubs / "curl.args")
    assert (
        curl[-1]
        == "https://api.github.com/repos/my-org/my-ml-project/actions/runners/generate-jitconfig"
    )
    assert curl[curl.index("-X") + 1] == "POST"
    assert "Authorization: Bearer ghs_app" in curl
    request = json.loads(curl[curl.index("-d") + 1])
    assert request == {
        "name": "my-ml-project-ct-4242-1",
        "runner_group_id": 1,
        "labels": outputs["labels"],
        "work_folder": "_work",
    }
    calls = (stubs / "gcloud.args").read_text(encoding="utf-8").split("--\n")[:-1]
    spot = outputs["instance_templates"]["spot"]
    expected = [
        ["compute", "instances", "create", "my-ml-project-ct-4242-1", "--project", "acme-ml", "--zone", zone,
         "--source-instance-template", spot, "--metadata-from-file",
         f"github-jit-config={tmp_path}/runner/jit-config"]
        for zone in outputs["zones"]
    ]  # fmt: skip
    assert [call.splitlines() for call in calls] == expected
    assert (stubs / "jit").read_text(encoding="utf-8").strip() == "aml0LWNvbmZpZw=="
    # The runner's startup script reads the same metadata key the launcher sets.
    startup = (MODULES / "gcp-gpu-runners/startup.sh.tftpl").read_text(encoding="utf-8")
    assert "metadata github-jit-config" in startup
    assert "runner my-ml-project-ct-4242-1 started in us-central1-b" in ran.summary


def test_gcp_launcher_without_capacity_removes_the_runner_it_registered(
    render: Render, tmp_path: Path
) -> None:
    if shutil.which("jq") is None:
        pytest.skip("jq is not installed (GitHub's runners have it)")
    ran, stubs, outputs = _launch(render(cloud="gcp"), tmp_path, no_capacity="--zone")
    assert ran.returncode == 1
    assert "::error::no zone had capacity for a GPU runner (spot nor on-demand)" in ran.stdout
    gcloud = _calls(stubs / "gcloud.args")
    templates = [call[call.index("--source-instance-template") + 1] for call in gcloud]
    spot, on_demand = (
        outputs["instance_templates"]["spot"],
        outputs["instance_templates"]["on-demand"],
    )
    assert templates == [spot, spot, on_demand, on_demand]  # each zone, spot first
    register, remove = _calls(stubs / "curl.args")
    assert register[register.index("-X") + 1] == "POST"
    assert remove[remove.index("-X") + 1] == "DELETE"
    assert remove[-1] == "https://api.github.com/repos/my-org/my-ml-project/actions/runners/7"
    assert "Authorization: Bearer ghs_app" in remove


def test_gcp_launcher_reads_the_variables_terraform_outputs(render: Render) -> None:
    repo = render(cloud="gcp")
    text = (repo / ".github/workflows/ct.yml").read_text(encoding="utf-8")
    read = set(re.findall(r"vars\.(CT_RUNNER_LABELS|GPU_[A-Z_]+)", text))
    outputs = (repo / "terraform/outputs.tf").read_text(encoding="utf-8")
    assert 'output "github_repository_variables"' in outputs
    given = dict(
        re.findall(r"([A-Z_]+)\s*=\s*(?:jsonencode\()?module\.gpu_runners\.(\w+)", outputs)
    )
    assert (
        read
        == set(given)
        == {
            "CT_RUNNER_LABELS",
            "GPU_INSTANCE_TEMPLATES",
            "GPU_ZONES",
            "GPU_RUNNER_NAME_PREFIX",
        }
    )
    module_outputs = (MODULES / "gcp-gpu-runners/outputs.tf").read_text(encoding="utf-8")
    for name in given.values():
        assert f'output "{name}"' in module_outputs


def test_azure_trains_on_hosted_runners_and_says_so(render: Render) -> None:
    repo = render(cloud="azure")
    text = (repo / ".github/workflows/ct.yml").read_text(encoding="utf-8")
    assert "Azure has no GPU runner module yet: training runs on a hosted CPU runner" in text
    assert set(_workflow(repo)["jobs"]) == {"plan", "train"}  # publish.yml commits
    outputs = (repo / "terraform/outputs.tf").read_text(encoding="utf-8")
    assert "CT_RUNNER_LABELS" not in outputs and "gpu_runners" not in outputs
    readme = (repo / "README.md").read_text(encoding="utf-8")
    assert "hosted CPU runner" in readme


@pytest.mark.parametrize("cloud", ["aws", "azure"])
def test_credentials_are_renewed_before_dvc_push(render: Render, cloud: str) -> None:
    steps = _workflow(render(cloud=cloud))["jobs"]["train"]["steps"]
    names = [str(step.get("name") or step.get("uses", "")).split("@")[0] for step in steps]
    login = "aws-actions/configure-aws-credentials" if cloud == "aws" else "Azure/login"
    repro, push = names.index("dvc repro"), names.index("dvc push")
    assert login in names[repro:push], names


def test_the_uv_step_names_the_answered_python(render: Render) -> None:
    for python in PYTHONS:
        repo = render(python_version=python)
        (step,) = [
            s for name, s in job_steps(repo / ".github/workflows/ct.yml", "train").items()
            if UV_STEP.match(name)
        ]  # fmt: skip
        assert f" --python {python} " in step["run"]


@pytest.mark.parametrize("cloud", CLOUDS)
def test_readme_explains_the_loop(render: Render, cloud: str) -> None:
    readme = (render(cloud=cloud) / "README.md").read_text(encoding="utf-8")
    assert "```mermaid\nflowchart LR\n" in readme
    for words in (
        "drift-detected",
        "CT_APP_ID",
        "CT_APP_PRIVATE_KEY",
        "CT_RUNNER_LABELS",
        "**Contents: read and write**",
        "**Pull requests: read and write**",
        "`dvc metrics diff`",
        "ct-rejected",
        "CT will retrain this PR",
        "python -m my_ml_project.pins promote staging production",
    ):
        assert words in readme, words
    assert ("**Administration: read and write**" in readme) == (cloud == "gcp")
    assert ("`training`, `ci`, `monitoring`" in readme) == (cloud != "none")
    # cloud 'none' has no shared remote to enable: its CT is local-only.
    assert ("DVC_REMOTE_ENABLED" in readme) == (cloud != "none")


TRAINING_JOBS = {"ci.yml": {"test", "pipeline", "remote"}, "ct.yml": {"train"}}


@pytest.mark.parametrize("cloud", CLOUDS)
def test_only_training_jobs_install_torch(render: Render, cloud: str) -> None:
    repo = render(cloud=cloud, ml_framework="pytorch")
    assert not re.search(r"(?m)^(torch|nvidia-\S+)==", (repo / "requirements.txt").read_text())
    assert re.search(r"(?m)^torch==", (repo / "requirements-train.txt").read_text())
    installs: dict[tuple[str, str], set[str]] = {}
    for workflow in ("ci.yml", "cd.yml", "ct.yml", "drift.yml"):
        for job_id, job in _workflow(repo, workflow)["jobs"].items():
            for step in job.get("steps", []):
                for lock in re.findall(r"--require-hashes -r (\S+)", step.get("run", "")):
                    installs.setdefault((workflow, job_id), set()).add(lock)
    for (workflow, job_id), locks in installs.items():
        training = job_id in TRAINING_JOBS.get(workflow, set())
        expected = {"requirements-train.txt" if training else "requirements.txt"}
        assert locks == expected, (workflow, job_id, locks)
    jobs = {("ci.yml", "lint"), ("cd.yml", "verify"), ("drift.yml", "monitor-staging")}
    assert jobs <= set(installs)


def test_sklearn_has_one_lock(render: Render) -> None:
    repo = render(cloud="aws")
    assert not (repo / "requirements-train.in").exists()
    assert not (repo / "requirements-train.txt").exists()


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_environments_ct_uses_on_pull_requests_allow_their_branches(
    render: Render, cloud: str
) -> None:
    """GitHub refuses a job whose environment's deployment branches exclude the run's branch."""
    repo = render(cloud=cloud)
    workflow = _workflow(repo)
    assert "pull_request" in workflow[True]
    used = {job["environment"] for job in workflow["jobs"].values() if "environment" in job}
    assert used == {"training"}  # publish.yml commits back, from the default branch
    github_tf = (repo / "terraform/github.tf").read_text(encoding="utf-8")
    declared = dict(re.findall(r"(?m)^\s+([\w-]+)\s*=\s*(\{[^}\n]*\})$", github_tf))
    for environment in used:
        assert declared[environment] == "{ branches = [] }", declared


@pytest.mark.parametrize("framework", ["sklearn", "pytorch"])
def test_ct_retrains_a_change_to_any_input_of_the_pipeline(render: Render, framework: str) -> None:
    """Every file a stage depends on is in CT's paths, for pull requests and for main;
    the data folder's inputs are .dvc files."""
    repo = render(cloud="aws", ml_framework=framework)
    triggers = _workflow(repo)[True]
    stages = yaml.safe_load((repo / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    outs = {
        out for stage in stages.values() for out in stage.get("outs", []) if isinstance(out, str)
    }
    deps = {dep for stage in stages.values() for dep in stage["deps"]} - outs
    assert deps - {"data/raw"} == {path for path in deps if (repo / path).is_file()}
    for event in ("push", "pull_request"):
        paths = triggers[event]["paths"]
        assert {"**.dvc", "params.yaml"} <= set(paths)
        assert deps - {"data/raw"} <= set(paths)
