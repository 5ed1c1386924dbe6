"""Every KServe overlay renders with ``kubectl kustomize``; each rendered object validates
(KServe's and the Prometheus Operator's against the CRDs of a pinned release of each,
the core kinds with ``kubernetes-validate``); its storageUri is its environment's pin, its canary share the
pin's, and nothing is served until a model, a serving image and the identity are set."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.cdct.conftest import Render, copy_repo, run, script
from tests.cdct.kube_validate import crds, validate, validate_custom

PLACEHOLDER = "pending://no-model-pinned"
PLACEHOLDER_FILE = "/mnt/models/no-model-pinned"
MODEL_FILE_ENV = "MLSERVER_MODEL_URI"
RUNTIME = "my-ml-project-server"
NOT_BUILT = "my-ml-project-serve"
IMAGE = "us-central1-docker.pkg.dev/p/r/my-ml-project-serve@sha256:" + "ab" * 32
ENVIRONMENTS = ("staging", "production")

CLOUDS = ("aws", "gcp", "azure", "none")
# The PodMonitor and PrometheusRule render apart, in deploy/overlays/<env>/monitoring
# (test_argocd_project.py); no kind of theirs is in a serving overlay.
MONITORING: list[str] = []
# The Grafana dashboard's ConfigMap: shipped once, by the production overlay alone.
DASHBOARD_ENVIRONMENT = "production"
ACCOUNTS = ["ServiceAccount", "ServiceAccount"]  # the model reader, the capture writer
READER, WRITER = "my-ml-project-model-reader", "my-ml-project-capture-writer"
SINK = "my-ml-project-inference-logger"
# Where the capture sink writes: <DVC remote>/monitoring/kserve/<env>, as an fsspec URL.
# The default Azure DVC account: the slug, then `dvc` and the suffix of my-org/my-ml-project.
AZURE_ACCOUNT = "mymlprojectdvccpkavw"
TARGET = {
    "aws": "s3://my-ml-project-dvc/monitoring/kserve",
    "gcp": "gs://my-ml-project-dvc/monitoring/kserve",
    "azure": f"abfs://my-ml-project-dvc@{AZURE_ACCOUNT}.dfs.core.windows.net/monitoring/kserve",
    # No cloud: the local remote, through the claim that holds it, mounted in the sink.
    "none": "/mnt/dvc-remote/monitoring/kserve",
}
# Where each cloud's DVC remote keeps an object, and where KServe reads it from (a local
# remote, which no cluster reaches by its path, from the claim that holds it).
REMOTE = {
    "aws": "s3://my-ml-project-dvc",
    "gcp": "gs://my-ml-project-dvc",
    "azure": f"https://{AZURE_ACCOUNT}.blob.core.windows.net/my-ml-project-dvc",
    "none": "../my-ml-project-dvc-remote",
}
# KServe v0.16.0 takes these storageUri schemes and no others (SupportedStorageURIPrefixList,
# pkg/controller/v1beta1/inferenceservice/utils/utils.go); a pvc:// path must be a folder
# (pkg/webhook/admission/pod/storage_initializer_injector.go mounts it by SubPath).
KSERVE_SCHEMES = ("gs://", "s3://", "pvc://", "file://", "https://", "http://", "hdfs://")
KSERVE_SCHEMES += ("webhdfs://", "oci://", "hf://")
IDENTITY = {
    "aws": {"eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/my-ml-project-serving"},
    "gcp": {"iam.gke.io/gcp-service-account": "serving@p.iam.gserviceaccount.com"},
    "azure": {"azure.workload.identity/client-id": "00000000-1111-2222-3333-444444444444"},
    "none": {},
}


def standing(cloud: str, environment: str = "production") -> list[str]:
    """The kinds an overlay renders before it serves: the dashboard (in one environment),
    the two identities and, with no cloud, the claim that holds the local DVC remote."""
    dashboard = ["ConfigMap"] if environment == DASHBOARD_ENVIRONMENT else []
    claim = ["PersistentVolumeClaim"] if cloud == "none" else []
    return sorted([*MONITORING, *dashboard, *ACCOUNTS, *claim])


def kustomize(overlay: Path) -> list[dict[str, object]]:
    done = run([script("kubectl"), "kustomize", overlay], overlay)
    assert done.returncode == 0, done.stderr
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


def one(resources: list[dict[str, object]], kind: str, name: str | None = None) -> dict[str, Any]:
    (found,) = [
        r
        for r in resources
        if r["kind"] == kind and name in (None, r["metadata"]["name"])  # type: ignore[index]
    ]
    return found


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
@pytest.mark.parametrize("cloud", CLOUDS)
def test_fresh_overlays_render_no_inference_service_and_no_runtime(
    render: Render, tmp_path: Path, cloud: str, framework: str
) -> None:
    """Before the first pin Argo CD applies nothing that serves (no InferenceService with a
    placeholder URI, which KServe would reject, no runtime on an unbuilt image): only the
    ServiceAccount and the monitoring, every object valid."""
    repo = render(cloud=cloud, ml_framework=framework)
    for environment in ENVIRONMENTS:
        resources = kustomize(repo / "deploy/overlays" / environment)
        assert validate(resources) == standing(cloud, environment)
        namespaces = {r["metadata"]["namespace"] for r in resources}  # type: ignore[index]
        assert namespaces == {f"my-ml-project-{environment}"}
        pin = yaml.safe_load((repo / f"deploy/{environment}.yaml").read_text(encoding="utf-8"))
        assert pin == {"environment": environment, "model": None, "serving_image": None}
        component = repo / f"deploy/overlays/{environment}/serving/kustomization.yaml"
        (reason,) = [
            line for line in component.read_text(encoding="utf-8").splitlines() if "Not" in line
        ]
        unset = "".join(
            f"; {who} identity not set ({key}: run `pins identity`)"
            for key in IDENTITY[cloud]
            for who in ("workload", "capture")
        )
        assert reason == f"# Not serving: no model pinned; serving image not built yet{unset}."
        for name in (READER, WRITER):
            account = one(resources, "ServiceAccount", name)
            assert account["metadata"].get("annotations") == (
                dict.fromkeys(IDENTITY[cloud], "") or None
            )
    assert pins(copy_repo(repo, tmp_path / "repo"), "check").stderr == ""


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


def pins(repo: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """The repository's own pins tool."""
    command = [sys.executable, "-m", "my_ml_project.pins", *args]
    env = {**os.environ, "PYTHONPATH": str(repo / "src")}
    return subprocess.run(
        command, cwd=repo, env=env, input=stdin, capture_output=True, text=True, check=False
    )


def from_lock(repo: Path) -> tuple[str, str]:
    """``--freeze FILE`` for ``pins image``: the pip freeze of an image built from the lock,
    which holds the lock's framework version for the repository's Python."""
    script = "from my_ml_project.serving import built_with; print(*built_with().popitem())"
    env = {**os.environ, "PYTHONPATH": str(repo / "src")}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=repo, env=env, capture_output=True, text=True
    )
    name, version = done.stdout.split()
    (repo / "image-freeze.txt").write_text(f"numpy==2.0.0\n{name}=={version}\n", "utf-8")
    return "--freeze", "image-freeze.txt"


def set_identity(repo: Path, cloud: str) -> None:
    """The model reader's and the capture writer's annotations, as Terraform outputs them."""
    (repo / "reader.json").write_text(json.dumps(IDENTITY[cloud]), encoding="utf-8")
    writer = {key: value.replace("serving", "capture") for key, value in IDENTITY[cloud].items()}
    (repo / "writer.json").write_text(json.dumps(writer), encoding="utf-8")
    done = pins(repo, "identity", "--from", "reader.json", "--capture-from", "writer.json")
    assert done.returncode == 0, done.stderr


def serving_resources(repo: Path, environment: str, cloud: str) -> list[dict[str, object]]:
    resources = kustomize(repo / "deploy/overlays" / environment)
    kinds = ["Deployment", "InferenceService", "Service", "ServingRuntime"]
    assert validate(resources) == sorted([*standing(cloud, environment), *kinds])
    return resources


@pytest.mark.parametrize("framework", ["sklearn", "pytorch"])
@pytest.mark.parametrize("cloud", CLOUDS)
def test_a_model_an_image_and_the_identity_render_a_valid_service_on_its_runtime(
    render: Render, tmp_path: Path, cloud: str, framework: str
) -> None:
    repo = copy_repo(render(cloud=cloud, ml_framework=framework), tmp_path / "repo")
    md5 = "50e15d6997ce472513fd07c08e97264f"
    uri = f"{REMOTE[cloud]}/files/md5/50/{md5[2:]}"
    pin_model(repo, "production", md5, uri)
    kinds = sorted(str(r["kind"]) for r in kustomize(repo / "deploy/overlays/production"))
    assert kinds == standing(cloud)  # a model, but no image yet

    bad = pins(repo, "image", "production", "registry.example/serve:latest", *from_lock(repo))
    assert bad.returncode == 1
    assert bad.stderr == (
        "pins image: serving_image 'registry.example/serve:latest' is not <image>@sha256:<64 hex>\n"
    )
    done = pins(repo, "image", "production", IMAGE, *from_lock(repo))
    assert done.returncode == 0, done.stderr
    pin = yaml.safe_load((repo / "deploy/production.yaml").read_text(encoding="utf-8"))
    framework_package = "torch" if framework == "pytorch" else "scikit-learn"
    assert list(pin["serving_framework"]) == [framework_package]
    assert serving_checks(repo) == (0, "")  # the recorded version is one the lock pins
    if IDENTITY[cloud]:  # the identity is still empty: nothing served yet
        kinds = sorted(str(r["kind"]) for r in kustomize(repo / "deploy/overlays/production"))
        assert kinds == standing(cloud)
        set_identity(repo, cloud)
    resources = serving_resources(repo, "production", cloud)
    assert one(resources, "ServiceAccount", READER)["metadata"].get("annotations") == (
        IDENTITY[cloud] or None
    )
    assert_capture_sink(resources, cloud)
    runtime = one(resources, "ServingRuntime")
    assert runtime["spec"]["containers"][0]["image"] == IMAGE
    assert runtime["spec"]["supportedModelFormats"] == [
        {"name": framework, "version": "1", "autoSelect": True}
    ]
    predictor = one(resources, "InferenceService")["spec"]["predictor"]
    model = predictor["model"]
    assert model["runtime"] == RUNTIME
    assert model["modelFormat"] == {"name": framework, "version": "1"}
    assert model["protocolVersion"] == "v2"
    assert predictor["logger"] == {
        "mode": "all",
        "url": "http://my-ml-project-inference-logger.my-ml-project-production.svc.cluster.local",
    }
    assert predictor["canaryTrafficPercent"] == 100
    labels = {"azure.workload.identity/use": "true"} if cloud == "azure" else None
    assert predictor.get("labels") == labels
    served_from = "pvc://dvc-remote/files/md5/50" if cloud == "none" else uri
    assert storage_uri(resources) == served_from
    assert storage_uri(resources).startswith(KSERVE_SCHEMES)
    assert serving_checks(repo, "MOD005") == (0, "")  # the overlay reads the pin's model
    assert model_file(resources) == f"/mnt/models/{md5[2:]}"
    assert pins(repo, "check").stderr == ""  # staging: still no model, as dvc.lock says

    component = repo / "deploy/overlays/production/serving/kustomization.yaml"
    component.write_text(
        component.read_text(encoding="utf-8").replace("sha256:", "sha256:0"), "utf-8"
    )
    stale = pins(repo, "check")
    assert stale.returncode == 1
    assert stale.stderr == (
        "deploy/overlays/production/serving/kustomization.yaml: "
        "not what deploy/production.yaml implies (run `pins sync`)\n"
    )


def assert_capture_sink(
    resources: list[dict[str, object]], cloud: str, environment: str = "production"
) -> None:
    """The logger's sink runs serve/capture.py from the pinned image, writes to the remote's
    monitoring/kserve as its own identity, and answers at the address the logger names."""
    writer = one(resources, "ServiceAccount", WRITER)["metadata"].get("annotations")
    assert writer == (
        {k: v.replace("serving", "capture") for k, v in IDENTITY[cloud].items()} or None
    )
    pod = one(resources, "Deployment", SINK)["spec"]["template"]["spec"]
    assert pod["serviceAccountName"] == WRITER
    (container,) = pod["containers"]
    assert (container["image"], container["command"]) == (IMAGE, ["python", "-m", "serve.capture"])
    # Each environment's sink writes its own folder: the drift window never mixes them.
    assert container["args"] == [f"--target={TARGET[cloud]}/{environment}", "--port=8081"]
    if cloud == "none":  # the local remote's claim, where --target points
        assert {"name": "dvc-remote", "persistentVolumeClaim": {"claimName": "dvc-remote"}} in (
            pod["volumes"]
        )
        assert {"name": "dvc-remote", "mountPath": "/mnt/dvc-remote"} in container["volumeMounts"]
    service = one(resources, "Service", SINK)
    assert service["spec"]["ports"] == [
        {"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}
    ]
    assert service["spec"]["selector"] == pod_labels(resources)


def pod_labels(resources: list[dict[str, object]]) -> dict[str, str]:
    labels = one(resources, "Deployment", SINK)["spec"]["template"]["metadata"]["labels"]
    return {k: v for k, v in labels.items() if k != "azure.workload.identity/use"}


def serving_checks(repo: Path, codes: str = "MOD006,MOD007") -> tuple[int, str]:
    done = run([sys.executable, "-m", "toolkit", "check", "--select", codes, "."], repo)
    return done.returncode, done.stdout if done.returncode else ""


@pytest.mark.parametrize("framework", ["sklearn", "pytorch"])
def test_mlrig_check_flags_an_image_built_with_another_framework_or_by_tag(
    render: Render, tmp_path: Path, framework: str
) -> None:
    repo = copy_repo(render(cloud="aws", ml_framework=framework), tmp_path / "repo")
    assert pins(repo, "image", "staging", IMAGE, *from_lock(repo)).returncode == 0
    pin = repo / "deploy/staging.yaml"
    text = pin.read_text(encoding="utf-8")
    package = "torch" if framework == "pytorch" else "scikit-learn"
    recorded = yaml.safe_load(text)["serving_framework"][package]
    pin.write_text(
        text.replace(f"{package}: {recorded}", f"{package}: 0.0.1").replace("@sha256:", ":v1#"),
        encoding="utf-8",
    )
    code, out = serving_checks(repo)
    lines = out.splitlines()
    assert code == 1
    assert lines[0] == (
        "deploy/staging.yaml:4:1: MOD006 serving_image"
        " us-central1-docker.pkg.dev/p/r/my-ml-project-serve:v1#"
        + "ab" * 32
        + " is not pinned by digest; write <image>@sha256:<64 hex> (`pins image` does)"
    )
    assert lines[1].startswith(
        f"deploy/staging.yaml:6:3: MOD007 serving installs {package} 0.0.1, the training lock pins "
    )
    assert recorded in lines[1]


def test_the_kserve_schemas_refuse_what_kserve_would_not_take() -> None:
    """The extract is closed: a misspelt field or a wrong type is an error, not pruned."""
    assert (crds("kserve")["project"], crds("kserve")["version"]) == ("kserve", "v0.16.0")
    service = {
        "apiVersion": "serving.kserve.io/v1beta1",
        "kind": "InferenceService",
        "metadata": {"name": "m"},
        "spec": {
            "predictor": {
                "canaryTrafficPercnt": 10,
                "logger": {"mode": "everything", "url": "http://sink"},
                "model": {"modelFormat": {"name": "sklearn"}, "storageUri": "s3://b/k"},
            }
        },
    }
    assert validate_custom(service) == [
        "spec/predictor/logger/mode: 'everything' is not one of ['all', 'request', 'response']",
        "spec/predictor: Additional properties are not allowed ('canaryTrafficPercnt' was unexpected)",
    ]


def test_the_pod_monitor_schema_refuses_a_misspelt_endpoint_list() -> None:
    monitor = {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PodMonitor",
        "metadata": {"name": "m"},
        "spec": {"selector": {}, "podMetricEndpoints": [{"port": "http1"}]},
    }
    assert validate_custom(monitor) == [
        "spec: Additional properties are not allowed ('podMetricEndpoints' was unexpected)"
    ]


def test_identity_refuses_an_empty_or_malformed_terraform_output(
    render: Render, tmp_path: Path
) -> None:
    repo = copy_repo(render(cloud="gcp"), tmp_path / "repo")
    message = (
        "pins identity: serving_service_account_annotations must be an object of"
        " annotation names to non-empty strings\n"
    )
    for text in ('{"iam.gke.io/gcp-service-account": ""}', "[]", '{"bad key": "x"}'):
        refused = pins(repo, "identity", "--from", "-", stdin=text)
        assert (refused.returncode, refused.stderr) == (1, message)
    broken = pins(repo, "identity", "--from", "-", stdin="{")
    assert broken.returncode == 1
    assert broken.stderr.startswith(
        "pins identity: serving_service_account_annotations is not JSON"
    )
    empty = pins(repo, "identity", "--from", "-", stdin="{}")  # the cluster inputs are not set
    assert (empty.returncode, empty.stderr) == (
        1,
        "pins identity: serving_service_account_annotations is empty: set the cluster inputs"
        " of the serving identity in terraform/ (EKS, GKE workload pool, AKS OIDC issuer) and"
        " apply; with EKS Pod Identity, which needs no annotation, run"
        " `pins identity --no-annotation`\n",
    )
    assert git_status(repo) == ""


def test_identity_refuses_stdin_for_both_accounts_at_argument_parsing(
    render: Render, tmp_path: Path
) -> None:
    """One stdin cannot feed two Terraform outputs: a usage error (exit 2), nothing written."""
    repo = copy_repo(render(cloud="gcp"), tmp_path / "repo")
    text = json.dumps(IDENTITY["gcp"])
    refused = pins(repo, "identity", "--from", "-", "--capture-from", "-", stdin=text)
    assert refused.returncode == 2
    assert refused.stdout == ""
    assert refused.stderr.splitlines()[-1] == (
        "pins identity: error: --from - and --capture-from - cannot both read stdin;"
        " give one a file"
    )
    assert git_status(repo) == ""


def test_eks_pod_identity_needs_no_annotation_when_said_so(render: Render, tmp_path: Path) -> None:
    repo = copy_repo(render(cloud="aws"), tmp_path / "repo")
    done = pins(repo, "identity", "--no-annotation")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "updated deploy/base/service-account.yaml"
    account = yaml.safe_load((repo / "deploy/base/service-account.yaml").read_text("utf-8"))
    assert account["metadata"]["annotations"] == {}
    reason = (repo / "deploy/overlays/staging/serving/kustomization.yaml").read_text("utf-8")
    assert "# Not serving: no model pinned; serving image not built yet.\n" in reason


def git_status(repo: Path) -> str:
    return run(["git", "status", "--porcelain"], repo).stdout


@pytest.mark.parametrize("cloud", ["aws", "azure"])
def test_a_new_production_model_rolls_out_as_a_canary_and_a_follow_up_promotes_it(
    render: Render, tmp_path: Path, cloud: str
) -> None:
    repo = copy_repo(render(cloud=cloud), tmp_path / "repo")
    set_identity(repo, cloud)
    assert pins(repo, "image", "production", IMAGE, *from_lock(repo)).returncode == 0
    assert pins(repo, "image", "staging", IMAGE, *from_lock(repo)).returncode == 0
    uri = "s3://my-ml-project-dvc/files/md5/{}/{}"
    first, second = "50e15d6997ce472513fd07c08e97264f", "60e15d6997ce472513fd07c08e97264f"
    pin_model(repo, "staging", first, uri.format(first[:2], first[2:]))
    metrics = "metrics:\n  accuracy: 0.9\n  f1: 0.9\n  log_loss: 0.3\n"
    staging = repo / "deploy/staging.yaml"
    staging.write_text(staging.read_text(encoding="utf-8") + metrics, encoding="utf-8")

    done = pins(repo, "promote", "staging", "production")
    assert done.returncode == 0, done.stderr
    predictor = one(serving_resources(repo, "production", cloud), "InferenceService")["spec"][
        "predictor"
    ]
    assert predictor["canaryTrafficPercent"] == 100  # the first model has nothing beside it

    text = staging.read_text(encoding="utf-8").replace(first, second).replace(first[2:], second[2:])
    staging.write_text(text.replace(f"/{first[:2]}/", f"/{second[:2]}/"), encoding="utf-8")
    done = pins(repo, "promote", "staging", "production")
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "updated deploy/production.yaml\n"
        "updated deploy/overlays/production/inference-service-patch.yaml\n"
    )
    pin = yaml.safe_load((repo / "deploy/production.yaml").read_text(encoding="utf-8"))
    assert pin["canary_traffic_percent"] == 10
    predictor = one(serving_resources(repo, "production", cloud), "InferenceService")["spec"][
        "predictor"
    ]
    assert predictor["canaryTrafficPercent"] == 10
    assert predictor["model"]["storageUri"] == uri.format(second[:2], second[2:])
    staged = one(serving_resources(repo, "staging", cloud), "InferenceService")["spec"]["predictor"]
    assert staged["canaryTrafficPercent"] == 100  # staging follows main whole

    assert pins(repo, "rollout", "production", "150").stderr == (
        "pins rollout: '150' is not a percentage from 0 to 100\n"
    )
    done = pins(repo, "rollout", "production")
    assert done.returncode == 0, done.stderr
    assert "canary_traffic_percent" not in (repo / "deploy/production.yaml").read_text("utf-8")
    predictor = one(serving_resources(repo, "production", cloud), "InferenceService")["spec"][
        "predictor"
    ]
    assert predictor["canaryTrafficPercent"] == 100
    patch = repo / "deploy/overlays/production/inference-service-patch.yaml"
    patch.write_text(patch.read_text("utf-8").replace("Percent: 100", "Percent: 30"), "utf-8")
    stale = pins(repo, "check").stderr.splitlines()  # staging was edited by hand, too
    assert (
        "deploy/overlays/production/inference-service-patch.yaml: canaryTrafficPercent is not 100"
        in stale
    )


OTHER_IMAGE = IMAGE.replace("ab" * 32, "cd" * 32)
RUNTIME_ANNOTATION = "mlrig.github.io/serving-runtime"


def predictor(repo: Path, environment: str, cloud: str) -> dict[str, Any]:
    service = one(serving_resources(repo, environment, cloud), "InferenceService")
    return dict(service["spec"]["predictor"])


def runtime_digest(repo: Path) -> str:
    """12 hex digits of the sha256 of the ServingRuntime's spec, as canonical JSON."""
    runtime = yaml.safe_load((repo / "deploy/base/serving-runtime.yaml").read_text("utf-8"))
    text = json.dumps(runtime["spec"], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def serve(repo: Path, environment: str, cloud: str, md5: str) -> None:
    """``environment`` serves model ``md5`` in IMAGE (identity set)."""
    if IDENTITY[cloud]:
        set_identity(repo, cloud)
    assert pins(repo, "image", environment, IMAGE, *from_lock(repo)).returncode == 0
    pin_model(repo, environment, md5, f"{REMOTE[cloud]}/files/md5/{md5[:2]}/{md5[2:]}")


# A slug longer than Kubernetes names take (46): the service's name is cut, and the
# predictor's patch must name the service as it is.
LONG_SLUG = "customer-churn-propensity-model-for-retail-banking-europe-x1"


@pytest.mark.parametrize(
    ("cloud", "slug"), [("gcp", "my-ml-project"), ("none", "my-ml-project"), ("gcp", LONG_SLUG)]
)
def test_a_new_production_image_is_a_new_predictor_rolled_out_as_a_canary(
    render: Render, tmp_path: Path, cloud: str, slug: str
) -> None:
    """The image is on the predictor itself, so a new image changes the InferenceService
    (KServe makes a new revision, whatever it does on a runtime edit), and in production
    it starts at the canary share, as a new model does; a follow-up ends the canary."""
    answers = {"project_slug": slug, "package_name": "my_ml_project"}
    if cloud == "gcp":  # the default bucket, <slug>-dvc, is too long for the long slug
        answers["dvc_remote_url"] = REMOTE[cloud]
    repo = copy_repo(render(cloud=cloud, **answers), tmp_path / "repo")
    serve(repo, "production", cloud, "50e15d6997ce472513fd07c08e97264f")
    before = predictor(repo, "production", cloud)
    assert before["canaryTrafficPercent"] == 100
    assert (before["model"]["image"], before["annotations"]) == (
        IMAGE,
        {RUNTIME_ANNOTATION: runtime_digest(repo)},
    )

    done = pins(repo, "image", "production", OTHER_IMAGE, *from_lock(repo))
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == (
        "updated deploy/production.yaml\n"
        "updated deploy/overlays/production/inference-service-patch.yaml\n"
        "updated deploy/overlays/production/serving/kustomization.yaml\n"
    )
    pin = yaml.safe_load((repo / "deploy/production.yaml").read_text(encoding="utf-8"))
    assert (pin["serving_image"], pin["canary_traffic_percent"]) == (OTHER_IMAGE, 10)
    resources = serving_resources(repo, "production", cloud)
    after = one(resources, "InferenceService")["spec"]["predictor"]
    model = {**before["model"], "image": OTHER_IMAGE}  # the same model, in the new image
    assert after == {**before, "canaryTrafficPercent": 10, "model": model}
    assert one(resources, "ServingRuntime")["spec"]["containers"][0]["image"] == OTHER_IMAGE
    assert pins(repo, "check").stderr == ""

    again = pins(repo, "image", "production", OTHER_IMAGE, *from_lock(repo))
    assert (again.returncode, again.stdout) == (0, "")  # the same release: the canary stands
    assert predictor(repo, "production", cloud)["canaryTrafficPercent"] == 10
    assert pins(repo, "rollout", "production").returncode == 0  # the follow-up pull request
    assert predictor(repo, "production", cloud) == {**after, "canaryTrafficPercent": 100}


def test_staging_takes_a_new_image_whole_and_a_runtime_edit_changes_the_predictor(
    render: Render, tmp_path: Path
) -> None:
    repo = copy_repo(render(cloud="aws"), tmp_path / "repo")
    serve(repo, "staging", "aws", "70e15d6997ce472513fd07c08e97264f")
    before = predictor(repo, "staging", "aws")
    assert pins(repo, "image", "staging", OTHER_IMAGE, *from_lock(repo)).returncode == 0
    after = predictor(repo, "staging", "aws")
    assert after == {**before, "model": {**before["model"], "image": OTHER_IMAGE}}
    assert "canary_traffic_percent" not in (repo / "deploy/staging.yaml").read_text("utf-8")

    runtime = repo / "deploy/base/serving-runtime.yaml"  # a runtime setting changes
    text = runtime.read_text(encoding="utf-8")
    assert text.count("memory: 1Gi") == 1
    runtime.write_text(text.replace("memory: 1Gi", "memory: 2Gi"), encoding="utf-8")
    stale = pins(repo, "check")
    assert stale.returncode == 1
    assert (
        "deploy/overlays/staging/serving/kustomization.yaml:"
        " not what deploy/staging.yaml implies (run `pins sync`)"
    ) in stale.stderr.splitlines()
    assert (
        pins(repo, "sync").stdout == "updated deploy/overlays/staging/serving/kustomization.yaml\n"
    )
    edited = predictor(repo, "staging", "aws")
    assert edited == {**after, "annotations": {RUNTIME_ANNOTATION: runtime_digest(repo)}}
    assert edited["annotations"] != after["annotations"]


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


def test_mlrig_check_flags_a_tagged_image_that_a_serving_overlay_deploys(
    render: Render, tmp_path: Path
) -> None:
    """A tag written in ``deploy/base`` is judged as the overlays render it: deleted while
    nothing serves, deployed (a finding at the line that wrote it) once a pin serves, and
    fine where an overlay's ``images:`` replaces it by digest, as kustomize does."""
    repo = copy_repo(render(cloud="none"), tmp_path / "repo")
    sink = repo / "deploy/base/capture-sink.yaml"
    text = sink.read_text(encoding="utf-8")
    written = next(line for line in text.splitlines() if line.strip().startswith("image:"))
    sink.write_text(
        text.replace(written, written.split("image:")[0] + "image: python:3.12"), "utf-8"
    )
    line = 1 + text.splitlines().index(written)
    assert serving_checks(repo, "MOD006") == (0, "")  # nothing served: the sink is deleted

    md5 = "50e15d6997ce472513fd07c08e97264f"
    pin_model(repo, "staging", md5, f"{REMOTE['none']}/files/md5/50/{md5[2:]}")
    assert pins(repo, "image", "staging", IMAGE, *from_lock(repo)).returncode == 0
    rendered = [r for r in kustomize(repo / "deploy/overlays/staging") if r["kind"] == "Deployment"]
    assert [
        c["image"]
        for c in one(rendered, "Deployment", SINK)["spec"]["template"]["spec"]["containers"]
    ] == ["python:3.12"]
    code, out = serving_checks(repo, "MOD006")
    column = written.index("image:") + len("image: ") + 1
    assert (code, out) == (
        1,
        f"deploy/base/capture-sink.yaml:{line}:{column}: MOD006 Deployment {SINK} runs python:3.12"
        " by tag; name it by digest (<image>@sha256:...) or set it by digest with kustomize"
        " `images:`\nFound 1 finding in 1 file.\n",
    )
