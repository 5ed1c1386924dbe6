"""The generated terraform/ folder: formatted, parsable, pinned, with a lock and a backend."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO_ROOT
from tests.gitrepo import git
from tests.terraform.conftest import CLOUDS, MODULES, render
from tests.terraform.hcl import fields, load, unquote
from toolkit.infra.terraform_cli import Status, fmt_check

RELEASE_COMMIT = json.loads(
    (REPO_ROOT / "templates" / "ml-repo" / "cookiecutter.json").read_text(encoding="utf-8")
)["_mlrig_release"]["commit"]
EXACT = re.compile(r"\d+\.\d+\.\d+\Z")
BACKENDS = {"aws": "s3", "gcp": "gcs", "azure": "azurerm"}
PROVIDERS = {
    "aws": {"aws", "null", "random", "github"},
    "gcp": {"google", "google-beta", "github"},
    "azure": {"azurerm", "github"},
}


def terraform_block(root: Path) -> dict[str, Any]:
    block: dict[str, Any] = load(root / "versions.tf")["terraform"][0]
    return block


def merged(root: Path, kind: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for path in sorted(root.glob("*.tf")):
        for block in load(path).get(kind, []):
            found.update({unquote(name): body for name, body in fields(block).items()})
    return found


@pytest.mark.parametrize("cloud", CLOUDS)
def test_terraform_fmt_check_recursive_passes(
    cloud: str, generated: dict[str, Path], terraform_bin: str
) -> None:
    result = fmt_check(generated[cloud] / "terraform", terraform_bin)
    assert result.status is Status.PASSED, result.output


@pytest.mark.parametrize("cloud", CLOUDS)
def test_every_tf_file_parses_with_python_hcl2(cloud: str, generated: dict[str, Path]) -> None:
    files = sorted((generated[cloud] / "terraform").glob("*.tf"))
    assert {p.name for p in files} >= {
        "main.tf",
        "outputs.tf",
        "providers.tf",
        "variables.tf",
        "versions.tf",
    }
    for path in files:
        assert isinstance(load(path), dict), path
    assert load(generated[cloud] / "terraform" / ".terraform.lock.hcl")["provider"]


@pytest.mark.parametrize("cloud", CLOUDS)
def test_terraform_version_is_one_exact_version_everywhere(
    cloud: str, generated: dict[str, Path]
) -> None:
    root = generated[cloud] / "terraform"
    required = unquote(terraform_block(root)["required_version"])
    assert EXACT.match(required)
    assert (root / ".terraform-version").read_text(encoding="utf-8").strip() == required
    workflow = yaml.safe_load((generated[cloud] / ".github/workflows/infra.yml").read_text())
    versions = {
        step["with"]["terraform_version"]
        for job in workflow["jobs"].values()
        for step in job["steps"]
        if "setup-terraform" in step.get("uses", "")
    }
    assert versions == {required}


@pytest.mark.parametrize("cloud", CLOUDS)
def test_providers_are_exact_and_locked_with_hashes(cloud: str, generated: dict[str, Path]) -> None:
    root = generated[cloud] / "terraform"
    required = fields(terraform_block(root)["required_providers"][0])
    assert set(required) == PROVIDERS[cloud]
    locked = {
        unquote(name).removeprefix("registry.terraform.io/"): body
        for block in load(root / ".terraform.lock.hcl")["provider"]
        for name, body in fields(block).items()
    }
    for name, spec in required.items():
        source, version = unquote(spec["source"]), unquote(spec["version"])
        assert EXACT.match(version), f"{name} {version} is not an exact version"
        lock = locked.pop(source)
        assert unquote(lock["version"]) == version
        hashes = [unquote(h) for h in lock["hashes"]]
        assert any(h.startswith("h1:") for h in hashes), name
        zh = [h for h in hashes if h.startswith("zh:")]
        assert len(zh) >= 10, f"{name}: expected a zh hash per platform"
        assert all(re.fullmatch(r"zh:[0-9a-f]{64}", h) for h in zh)
        assert all(re.fullmatch(r"h1:[A-Za-z0-9+/]{43}=", h) for h in hashes if h.startswith("h1:"))
    assert not locked, f"locked but not required: {sorted(locked)}"


@pytest.mark.parametrize("cloud", CLOUDS)
def test_state_lives_in_a_remote_backend(cloud: str, generated: dict[str, Path]) -> None:
    backend = terraform_block(generated[cloud] / "terraform")["backend"][0]
    assert list(fields(backend)) == [f'"{BACKENDS[cloud]}"']


@pytest.mark.parametrize("cloud", CLOUDS)
def test_modules_come_from_this_repository_at_the_pinned_ref(
    cloud: str, generated: dict[str, Path]
) -> None:
    modules = merged(generated[cloud] / "terraform", "module")
    expected = {"github_oidc", "dvc_remote", "serving_identity", "capture_identity", "github"}
    expected |= {"serving_registry"}
    assert set(modules) == expected | ({"gpu_runners"} if cloud != "azure" else set())
    for body in modules.values():
        source = unquote(body["source"])
        prefix = "git::https://github.com/mlrig/mlrig.git//terraform/modules/"
        ref = "?ref=" + RELEASE_COMMIT
        assert source.startswith(prefix) and source.endswith(ref), source
        name = source.removeprefix(prefix).removesuffix(ref)
        assert name in MODULES and name.startswith((f"{cloud}-", "github-"))


def test_a_commit_ref_pins_by_hash_and_needs_no_checkov_skip(tmp_path: Path) -> None:
    sha = "0123456789abcdef0123456789abcdef01234567"
    root = render(tmp_path, cloud="gcp", terraform_module_ref=sha) / "terraform"
    main = (root / "main.tf").read_text(encoding="utf-8")
    assert main.count(f"?ref={sha}") == 3
    assert "checkov:skip" not in main


@pytest.mark.parametrize("cloud", CLOUDS)
def test_outputs_the_workflows_use(cloud: str, generated: dict[str, Path]) -> None:
    outputs = set(merged(generated[cloud] / "terraform", "output"))
    assert {"github_environment_variables", "dvc_remote_url", "cuda_version"} <= outputs
    if cloud != "azure":
        assert {"runner_labels", "github_repository_variables"} <= outputs


@pytest.mark.parametrize("cloud", ["aws", "gcp"])
@pytest.mark.parametrize("cuda", ["12.8", "12.4"])
def test_gpu_runners_get_the_answered_cuda(cloud: str, cuda: str, tmp_path: Path) -> None:
    root = render(tmp_path, cloud=cloud, cuda_version=cuda) / "terraform"
    variables = merged(root, "variable")
    assert unquote(variables["cuda_version"]["default"]) == cuda
    if cloud == "gcp":
        image = unquote(variables["gpu_image"]["default"])
        assert f"cu{cuda.replace('.', '')}" in image


def test_gcp_without_a_known_image_for_the_cuda_asks_for_one(tmp_path: Path) -> None:
    root = render(tmp_path, cloud="gcp", cuda_version="12.6") / "terraform"
    assert "default" not in merged(root, "variable")["gpu_image"]


def test_dvc_remote_bucket_is_the_answered_one(tmp_path: Path) -> None:
    root = render(tmp_path, cloud="aws", dvc_remote_url="s3://team-artifacts/ml/dvc/") / "terraform"
    call = merged(root, "module")["dvc_remote"]
    assert (unquote(call["bucket_name"]), unquote(call["path"])) == ("team-artifacts", "ml/dvc")


@pytest.mark.parametrize("cloud", CLOUDS)
def test_infra_workflow_is_least_privilege_and_gated(
    cloud: str, generated: dict[str, Path]
) -> None:
    workflow = yaml.safe_load((generated[cloud] / ".github/workflows/infra.yml").read_text())
    assert workflow["permissions"] == {}
    jobs = workflow["jobs"]
    assert set(jobs) == {"check", "plan", "apply"}
    assert jobs["check"]["permissions"] == {"contents": "read"}
    assert "if" not in jobs["check"]
    for name, environment in (("plan", "infra-plan"), ("apply", "infra")):
        job = jobs[name]
        assert job["environment"] == environment
        assert job["permissions"] == {"contents": "read", "id-token": "write"}
        assert "vars.INFRA_ENABLED == 'true'" in job["if"]
    assert "refs/heads/main" in jobs["apply"]["if"]
    assert "pull_request" in jobs["plan"]["if"]
    for job in jobs.values():
        for step in job["steps"]:
            if "actions/checkout" in step.get("uses", ""):
                assert step["with"]["persist-credentials"] is False
    runs = "\n".join(step.get("run", "") for job in jobs.values() for step in job["steps"])
    for command in (
        "terraform fmt -check",
        "terraform validate",
        "terraform plan",
        "terraform apply",
    ):
        assert command in runs
    assert "GITHUB_STEP_SUMMARY" in runs


def test_no_cloud_means_no_terraform(tmp_path: Path) -> None:
    repo = render(tmp_path, cloud="none")
    assert not (repo / "terraform").exists()
    assert not (repo / ".github/workflows/infra.yml").exists()


@pytest.mark.parametrize("cloud", CLOUDS)
def test_the_tfvars_example_names_every_required_variable(
    cloud: str, generated: dict[str, Path]
) -> None:
    root = generated[cloud] / "terraform"
    required = {name for name, body in merged(root, "variable").items() if "default" not in body}
    if cloud == "gcp":
        required.discard("gpu_image")  # has a default for every CUDA with a known image
    example = fields(load(root / "terraform.tfvars.example"))
    example.pop("__comments__", None)
    assert set(example) == required


SECRET_NAME = re.compile(r"key|secret|token|password|credential", re.IGNORECASE)


@pytest.mark.parametrize("cloud", CLOUDS)
def test_terraform_tfvars_is_committed_and_holds_no_secret(cloud: str, tmp_path: Path) -> None:
    """CI's plan reads the inputs of the first apply: the README says to commit them."""
    repo = render(tmp_path, cloud=cloud)
    root = repo / "terraform"
    (root / "terraform.tfvars").write_bytes((root / "terraform.tfvars.example").read_bytes())
    if not (repo / ".git").exists():
        git(repo, "init", "-q")
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "terraform/terraform.tfvars"], cwd=repo, check=False
    )
    assert ignored.returncode == 1, "terraform/terraform.tfvars is git-ignored"
    readme = " ".join((root / "README.md").read_text(encoding="utf-8").split())
    assert (
        "Commit `terraform.tfvars`: the `infra` workflow plans and applies with the same inputs"
        in readme
    )
    assert "and commit\n# it: the infra workflow" in (root / "terraform.tfvars.example").read_text()
    variables = merged(root, "variable")
    assert [name for name in variables if SECRET_NAME.search(name)] == []
    assert [name for name, body in variables.items() if body.get("sensitive")] == []
