"""A long project name still generates a repository that works: `new` proposes names that
fit every cloud's limits, `mlrig check` passes on it, and its Kubernetes objects (as
``kubectl kustomize`` renders each overlay) have names Kubernetes accepts. What cannot be
made to fit is refused before anything is written.

The cloud names of the Terraform roots are checked in tests/terraform/test_name_limits.py.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import RunMlrig
from tests.tools import tool

LONG_NAME = "The Very Long Demand Forecasting Project Of The Supply Chain Analytics Team"
SLUG = "the-very-long-demand-forecasting-project-of-the-supply-chain-analytics-team"
KUBE_NAME = SLUG[:46].rstrip("-")  # as cookiecutter.json derives __k8s_name
DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
DNS_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9.]*[a-z0-9])?")
# Kinds whose names are DNS labels (63): Services, and KServe's InferenceService (whose
# name Knative makes into revision and route labels); the rest take subdomains (253).
LABEL_NAMED = {"Service", "InferenceService", "Namespace"}
CLOUDS = ("aws", "gcp", "azure", "none")


def kustomize(overlay: Path) -> list[dict[str, Any]]:
    done = subprocess.run(
        [tool("kubectl"), "kustomize", str(overlay)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


def misnamed(resource: dict[str, Any]) -> list[str]:
    """What Kubernetes would refuse in ``resource``'s name, namespace and labels."""
    meta = resource["metadata"]
    kind, name = resource["kind"], str(meta["name"])
    found = []
    label = kind in LABEL_NAMED
    if not (DNS_LABEL if label else DNS_SUBDOMAIN).fullmatch(name) or len(name) > (
        63 if label else 253
    ):
        found.append(f"{kind} name {name!r}")
    namespace = str(meta.get("namespace", "default"))
    if not DNS_LABEL.fullmatch(namespace) or len(namespace) > 63:
        found.append(f"{kind} {name} namespace {namespace!r}")
    for key, value in (meta.get("labels") or {}).items():
        if len(str(value)) > 63:
            found.append(f"{kind} {name} label {key}={value!r}")
    return found


@pytest.mark.parametrize("cloud", CLOUDS)
def test_a_long_project_name_generates_a_repository_that_checks_clean(
    tmp_path: Path, run_mlrig: RunMlrig, cloud: str
) -> None:
    made = run_mlrig(
        "new", "--no-input", "-o", tmp_path, "--set", f"project_name={LONG_NAME}", "--set", f"cloud={cloud}"
    )  # fmt: skip
    assert made.code == 0, made.err
    repo = tmp_path / SLUG
    remote = (repo / ".dvc" / "config").read_text(encoding="utf-8")
    bucket = "the-very-long-demand-forecasting-project-of-the-supply-dvc"
    assert f"{bucket}-remote" in remote if cloud == "none" else f"{bucket}\n" in remote
    checked = run_mlrig("check", repo)
    assert (checked.code, checked.err) == (0, ""), checked.out
    assert checked.out.startswith("All checks passed (")
    for environment in ("staging", "production"):
        rendered = kustomize(repo / "deploy" / "overlays" / environment)
        assert [problem for resource in rendered for problem in misnamed(resource)] == []
        namespaces = {resource["metadata"].get("namespace") for resource in rendered}
        assert namespaces == {f"{KUBE_NAME}-{environment}"}


def test_a_slug_longer_than_a_github_repository_name_is_refused(
    tmp_path: Path, run_mlrig: RunMlrig
) -> None:
    slug = "a" + "-bc" * 33  # 100 characters is the most GitHub takes
    assert len(slug) == 100
    made = run_mlrig("new", "--no-input", "-o", tmp_path / "ok", "--set", f"project_slug={slug}")
    assert made.code == 0, made.err
    result = run_mlrig("new", "--no-input", "-o", tmp_path / "no", "--set", f"project_slug={slug}d")
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        "mlrig: error: invalid answers: project_slug has 101 characters; "
        "GitHub repository names take at most 100\n"
    )
    assert not (tmp_path / "no").exists() or list((tmp_path / "no").iterdir()) == []


@pytest.mark.parametrize(("cloud", "scheme"), [("aws", "s3://"), ("gcp", "gs://")])
def test_a_bucket_with_no_room_for_its_log_bucket_is_refused(
    tmp_path: Path, run_mlrig: RunMlrig, cloud: str, scheme: str
) -> None:
    bucket = "b" * 59
    result = run_mlrig(
        "new", "--no-input", "-o", tmp_path, "--set", f"cloud={cloud}", "--set", f"dvc_remote_url={scheme}{bucket}"
    )  # fmt: skip
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        f"mlrig: error: invalid answers: dvc_remote_url '{scheme}{bucket}': the bucket name has "
        f"59 characters; at most 58 leave room for its access-log bucket {bucket}-logs (63 at most)\n"
    )
    assert list(tmp_path.iterdir()) == []
