"""Every KServe overlay renders with ``kubectl kustomize``; its core resources validate
with ``kubernetes-validate``; its storageUri is its environment's pin."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.cdct.conftest import Render, copy_repo, run, script

PLACEHOLDER = "pending://no-model-pinned"
PLACEHOLDER_FILE = "/mnt/models/no-model-pinned"
MODEL_FILE_ENV = "MLSERVER_MODEL_URI"
ENVIRONMENTS = ("staging", "production")
# kubernetes-validate ships the schemas of Kubernetes itself, not of CRDs:
# KServe's InferenceService and Argo CD's Application are checked by shape below.
CRD_KINDS = {"InferenceService", "Application"}


def kustomize(overlay: Path) -> list[dict[str, object]]:
    done = run([script("kubectl"), "kustomize", overlay], overlay)
    assert done.returncode == 0, done.stderr
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


def validate_core(resources: list[dict[str, object]]) -> list[str]:
    kubernetes_validate = pytest.importorskip("kubernetes_validate")
    checked = []
    for resource in resources:
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
def test_fresh_overlay_renders_with_the_placeholder(
    render: Render, environment: str, framework: str
) -> None:
    repo = render(cloud="aws", ml_framework=framework)
    resources = kustomize(repo / "deploy/overlays" / environment)
    assert validate_core(resources) == ["ServiceAccount"]
    assert storage_uri(resources) == PLACEHOLDER
    assert model_file(resources) == PLACEHOLDER_FILE
    assert {r["metadata"]["namespace"] for r in resources} == {f"my-ml-project-{environment}"}  # type: ignore[index]
    (service,) = [r for r in resources if r["kind"] == "InferenceService"]
    model = service["spec"]["predictor"]["model"]  # type: ignore[index]
    assert model["modelFormat"]["name"] == framework
    assert model["protocolVersion"] == "v2"
    # MLServer serves the model: KServe's own runtime for sklearn, a named one for pytorch.
    runtime = "kserve-mlserver" if framework == "sklearn" else "my-ml-project-mlserver-pytorch"
    assert model["runtime"] == runtime
    pin = yaml.safe_load((repo / f"deploy/{environment}.yaml").read_text(encoding="utf-8"))
    assert pin == {"environment": environment, "model": None}


def test_overlay_follows_an_updated_pin(render: Render, tmp_path: Path) -> None:
    repo = copy_repo(render(cloud="gcp"), tmp_path / "repo")
    md5 = "50e15d6997ce472513fd07c08e97264f"
    uri = f"gs://my-ml-project-dvc/files/md5/50/{md5[2:]}"
    pin = repo / "deploy/production.yaml"
    pin.write_text(
        pin.read_text(encoding="utf-8").replace(
            "model: null",
            f"model:\n  path: models/model.joblib\n  md5: {md5}\n  storage_uri: {uri}",
        ),
        encoding="utf-8",
    )
    patch = repo / "deploy/overlays/production/inference-service-patch.yaml"
    text = patch.read_text(encoding="utf-8").replace(PLACEHOLDER, uri)
    patch.write_text(text.replace(PLACEHOLDER_FILE, f"/mnt/models/{md5[2:]}"), encoding="utf-8")
    resources = kustomize(repo / "deploy/overlays/production")
    assert storage_uri(resources) == uri
    assert model_file(resources) == "/mnt/models/" + uri.rsplit("/", 1)[1]


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
