"""Every KServe overlay renders with ``kubectl kustomize``; its core resources validate
with ``kubernetes-validate``; its storageUri is its environment's pin."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.cdct.conftest import Render, copy_repo, run, script

PLACEHOLDER = "pending://no-model-pinned"
PLACEHOLDER_FILE = "/mnt/models/no-model-pinned"
MODEL_FILE_ENV = "MLSERVER_MODEL_URI"
RUNTIME = "my-ml-project-server"
NOT_BUILT = "my-ml-project-serve"
IMAGE = "us-central1-docker.pkg.dev/p/r/my-ml-project-serve@sha256:" + "ab" * 32
ENVIRONMENTS = ("staging", "production")
# kubernetes-validate ships the schemas of Kubernetes itself, not of CRDs:
# KServe's InferenceService and Argo CD's Application are checked by shape below.
# A ServingRuntime's containers are core Containers: they are validated as a Pod's.
CRD_KINDS = {"InferenceService", "Application", "ServingRuntime"}


def kustomize(overlay: Path) -> list[dict[str, object]]:
    done = run([script("kubectl"), "kustomize", overlay], overlay)
    assert done.returncode == 0, done.stderr
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


def validate_core(resources: list[dict[str, object]]) -> list[str]:
    kubernetes_validate = pytest.importorskip("kubernetes_validate")
    checked = []
    for resource in resources:
        if resource["kind"] == "ServingRuntime":
            spec = {"containers": resource["spec"]["containers"]}  # type: ignore[index]
            pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": spec}
            kubernetes_validate.validate(pod, "1.30.0", strict=True)
            checked.append("ServingRuntime.containers")
        if resource["kind"] in CRD_KINDS:
            continue
        kubernetes_validate.validate(resource, "1.30.0", strict=True)
        checked.append(str(resource["kind"]))
    return checked


def storage_uri(resources: list[dict[str, object]]) -> str:
    (service,) = [r for r in resources if r["kind"] == "InferenceService"]
    return str(service["spec"]["predictor"]["model"]["storageUri"])  # type: ignore[index]


def model_file(resources: list[dict[str, object]]) -> str:
    """The file the rendered InferenceService tells MLServer to load (MLSERVER_MODEL_URI)."""
    (service,) = [r for r in resources if r["kind"] == "InferenceService"]
    env = service["spec"]["predictor"]["model"]["env"]  # type: ignore[index]
    (value,) = [e["value"] for e in env if e["name"] == MODEL_FILE_ENV]
    return str(value)


@pytest.mark.parametrize("framework", ["sklearn", "pytorch"])
@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_fresh_overlay_renders_the_runtime_and_no_inference_service(
    render: Render, environment: str, framework: str
) -> None:
    """Before the first pin Argo CD applies no InferenceService (none with a placeholder
    URI, which KServe would reject): only the ServiceAccount and the repository's runtime."""
    repo = render(cloud="aws", ml_framework=framework)
    resources = kustomize(repo / "deploy/overlays" / environment)
    assert sorted(validate_core(resources)) == ["ServiceAccount", "ServingRuntime.containers"]
    assert sorted(str(r["kind"]) for r in resources) == ["ServiceAccount", "ServingRuntime"]
    assert {r["metadata"]["namespace"] for r in resources} == {f"my-ml-project-{environment}"}  # type: ignore[index]
    (runtime,) = [r for r in resources if r["kind"] == "ServingRuntime"]
    assert runtime["metadata"]["name"] == RUNTIME  # type: ignore[index]
    spec = runtime["spec"]
    assert spec["supportedModelFormats"] == [  # type: ignore[index]
        {"name": framework, "version": "1", "autoSelect": True}
    ]
    assert spec["protocolVersions"] == ["v2"]  # type: ignore[index]
    (container,) = spec["containers"]  # type: ignore[index]
    assert container["image"] == NOT_BUILT
    assert container["args"] == [
        "--model_name={{.Name}}",
        "--model_dir=/mnt/models",
        "--http_port=8080",
    ]
    pin = yaml.safe_load((repo / f"deploy/{environment}.yaml").read_text(encoding="utf-8"))
    assert pin == {"environment": environment, "model": None, "serving_image": None}
    component = (repo / f"deploy/overlays/{environment}/serving/kustomization.yaml").read_text(
        encoding="utf-8"
    )
    assert "# Not serving: no model pinned; serving image not built yet." in component


def pin_model(repo: Path, environment: str, md5: str, uri: str) -> None:
    """Pin a model in ``deploy/<environment>.yaml`` by hand and sync the overlays."""
    pin = repo / f"deploy/{environment}.yaml"
    pin.write_text(
        pin.read_text(encoding="utf-8").replace(
            "model: null",
            f"model:\n  path: models/model.joblib\n  md5: {md5}\n  storage_uri: {uri}",
        ),
        encoding="utf-8",
    )
    done = pins(repo, "sync")
    assert done.returncode == 0, done.stderr


def pins(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The repository's own pins tool."""
    command: list[str | Path] = [sys.executable, "-m", "my_ml_project.pins", *args]
    return run(command, repo, {"PYTHONPATH": str(repo / "src")})


@pytest.mark.parametrize("framework", ["sklearn", "pytorch"])
def test_a_model_and_an_image_pinned_render_the_service_on_its_runtime(
    render: Render, tmp_path: Path, framework: str
) -> None:
    repo = copy_repo(render(cloud="gcp", ml_framework=framework), tmp_path / "repo")
    md5 = "50e15d6997ce472513fd07c08e97264f"
    uri = f"gs://my-ml-project-dvc/files/md5/50/{md5[2:]}"
    pin_model(repo, "production", md5, uri)
    kinds = sorted(str(r["kind"]) for r in kustomize(repo / "deploy/overlays/production"))
    assert kinds == ["ServiceAccount", "ServingRuntime"]  # a model, but no image yet
    component = repo / "deploy/overlays/production/serving/kustomization.yaml"
    assert "# Not serving: serving image not built yet." in component.read_text(encoding="utf-8")

    bad = pins(repo, "image", "production", "registry.example/serve:latest")
    assert bad.returncode == 1
    assert bad.stderr == (
        "pins image: serving_image 'registry.example/serve:latest' is not <image>@sha256:<64 hex>\n"
    )
    done = pins(repo, "image", "production", IMAGE)
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "updated deploy/production.yaml\nupdated deploy/overlays/production/serving/kustomization.yaml\n"
    )
    resources = kustomize(repo / "deploy/overlays/production")
    assert sorted(str(r["kind"]) for r in resources) == [
        "InferenceService", "ServiceAccount", "ServingRuntime"
    ]  # fmt: skip
    (runtime,) = [r for r in resources if r["kind"] == "ServingRuntime"]
    assert runtime["spec"]["containers"][0]["image"] == IMAGE  # type: ignore[index]
    (service,) = [r for r in resources if r["kind"] == "InferenceService"]
    model = service["spec"]["predictor"]["model"]  # type: ignore[index]
    assert model["runtime"] == RUNTIME
    assert model["modelFormat"] == {"name": framework, "version": "1"}
    assert model["protocolVersion"] == "v2"
    assert storage_uri(resources) == uri
    assert model_file(resources) == f"/mnt/models/{md5[2:]}"
    assert pins(repo, "check").stderr == ""  # staging: still no model, as dvc.lock says

    component.write_text(
        component.read_text(encoding="utf-8").replace("sha256:", "sha256:0"), "utf-8"
    )
    stale = pins(repo, "check")
    assert stale.returncode == 1
    assert stale.stderr == (
        "deploy/overlays/production/serving/kustomization.yaml: "
        "not what deploy/production.yaml implies (run `pins sync`)\n"
    )


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_argocd_application_points_at_its_overlay(render: Render, environment: str) -> None:
    repo = render(cloud="azure", github_owner="acme")
    app = yaml.safe_load((repo / f"deploy/argocd/{environment}.yaml").read_text(encoding="utf-8"))
    assert app["kind"] == "Application"
    source = app["spec"]["source"]
    assert source == {
        "repoURL": "https://github.com/acme/my-ml-project.git",
        "targetRevision": "main",
        "path": f"deploy/overlays/{environment}",
    }
    assert (repo / source["path"] / "kustomization.yaml").is_file()
    assert app["spec"]["syncPolicy"]["automated"] == {"prune": True, "selfHeal": True}
