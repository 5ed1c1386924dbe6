"""The generated Vertex AI and Azure ML rollouts, checked call by call at the SDK boundary.

Neither cloud runs here, so the recorded calls are compared with the shapes the
APIs document: Vertex AI's REST v1 (``models:upload``, ``endpoints:deployModel`` with
``trafficSplit`` "0" for the new model, ``PATCH`` with an ``updateMask``,
``:rawPredict``, ``:undeployModel``, ``DELETE`` of the Model) and the ``az ml`` CLI
(``online-deployment create`` without ``--all-traffic`` is 0% of the traffic,
``online-endpoint invoke --deployment-name``, ``online-endpoint update --traffic``).
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from tests.cdct.conftest import Render, copy_repo
from tests.cdct.managed_fakes import (
    AZURE_ENDPOINT,
    AZURE_WORKSPACE,
    GOOD,
    IMAGE,
    MD5,
    MODEL,
    Answer,
    Az,
    Blobs,
    Session,
    forget,
    import_generated,
    pin,
    release_id,
    vertex_endpoint,
)

pytestmark = pytest.mark.slow
HOST = "https://us-central1-aiplatform.googleapis.com/v1"
BASE = f"{HOST}/projects/p/locations/us-central1"
# The serving endpoint that Terraform made, by the id it gave it.
EP = f"projects/p/locations/us-central1/endpoints/{vertex_endpoint('p', 'my-ml-project-staging')}"
SMOKE = "my-ml-project-staging-smoke"
SMOKE_EP = f"projects/p/locations/us-central1/endpoints/{vertex_endpoint('p', SMOKE)}"
OLD_MODEL = "projects/p/locations/us-central1/models/9"
NEW_MODEL = "projects/p/locations/us-central1/models/22"
VERSION = f"my-ml-project-staging-{release_id(MD5, IMAGE, 'n1-standard-4', 'gcp')}"
LOGGING = {
    "enabled": True,
    "samplingRate": 1.0,
    "bigqueryDestination": {"outputUri": "bq://p"},
}
Generated = Callable[[str, str], ModuleType]
# The HTTP rules of the Vertex AI v1 REST API methods the rollout calls, as the REST
# transports of google-cloud-aiplatform 2.7.0 declare them (aiplatform_v1 services
# endpoint_service, model_service and prediction_service, transports/rest_base.py).
# (PredictionService's :predict and :rawPredict take no deployed model id there; only
# :explain and the HTTP-only invoke on dedicated endpoints do.)
HTTP_RULES = [
    ("GET", "/v1/{parent=projects/*/locations/*}/endpoints"),
    ("POST", "/v1/{parent=projects/*/locations/*}/endpoints"),
    ("GET", "/v1/{name=projects/*/locations/*/endpoints/*}"),
    ("PATCH", "/v1/{endpoint.name=projects/*/locations/*/endpoints/*}"),
    ("DELETE", "/v1/{name=projects/*/locations/*/endpoints/*}"),
    ("POST", "/v1/{endpoint=projects/*/locations/*/endpoints/*}:deployModel"),
    ("POST", "/v1/{endpoint=projects/*/locations/*/endpoints/*}:undeployModel"),
    ("POST", "/v1/{endpoint=projects/*/locations/*/endpoints/*}:rawPredict"),
    ("POST", "/v1/{parent=projects/*/locations/*}/models:upload"),
    ("GET", "/v1/{parent=projects/*/locations/*}/models"),
    ("DELETE", "/v1/{name=projects/*/locations/*/models/*}"),
]


def http_rule(method: str, url: str) -> tuple[str, str] | None:
    """The rule of ``HTTP_RULES`` that a call matches (None: no v1 method is called so)."""
    path = url.removeprefix("https://us-central1-aiplatform.googleapis.com")
    for rule_method, template in HTTP_RULES:
        pattern = re.sub(r"\{[\w.]+=([^}]+)\}", lambda m: m[1], template)
        regex = re.escape(pattern).replace(r"\*", "[^/:]+")
        if method == rule_method and re.fullmatch(regex, path):
            return rule_method, template
    return None


@pytest.fixture
def generated(
    render: Render, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Generated]:
    """``generated(cloud, module)``: that module of a fresh managed repository's package."""

    def _import(cloud: str, module: str) -> ModuleType:
        repo = copy_repo(render(cloud=cloud, deploy_target="managed"), tmp_path / cloud)
        return import_generated(repo, module, monkeypatch)

    yield _import
    forget()


def vertex_route(
    smoke_status: int,
    calls: list[tuple[Any, ...]],
    *,
    traffic_applies: bool = True,
    deploy_error: dict[str, Any] | None = None,
    smoke_leftovers: tuple[str, ...] = (),
) -> Callable[[str, str], Answer]:
    """Answers of a Vertex endpoint serving deployed model 111: the new model becomes 222
    there (at 0%) and 333 alone on the smoke endpoint (Terraform's, holding
    ``smoke_leftovers`` of an interrupted run), which answers the smoke request with
    ``smoke_status``. ``calls`` is the session's record (the last call's params).
    The serving endpoint keeps its state: a PATCH of its split answers as asked but takes
    effect only if ``traffic_applies``; a deployModel operation ends in ``deploy_error``."""
    done = {"name": "projects/p/locations/us-central1/operations/1", "done": True}
    smoke_deployed = list(smoke_leftovers)
    serving: dict[str, Any] = {"deployed": ["111"], "split": {"111": 100}}

    def on_smoke_endpoint(method: str, url: str) -> Answer | None:
        if url == f"{HOST}/{SMOKE_EP}:deployModel":
            smoke_deployed.append("333")
            return Answer({**done, "response": {"deployedModel": {"id": "333"}}})
        if url == f"{HOST}/{SMOKE_EP}:rawPredict":
            return Answer(GOOD, smoke_status, {"X-Vertex-AI-Deployed-Model-Id": "333"})
        if url == f"{HOST}/{SMOKE_EP}:undeployModel":
            smoke_deployed.remove((calls[-1][2] or {})["deployedModelId"])
            return Answer(done)
        if method == "GET" and url == f"{HOST}/{SMOKE_EP}":
            deployed = [{"id": i} for i in smoke_deployed]
            return Answer({"name": SMOKE_EP, "displayName": SMOKE, "deployedModels": deployed})
        return None

    def on_serving_endpoint(method: str, url: str) -> Answer | None:
        body = calls[-1][2] or {}
        if url == f"{HOST}/{EP}:deployModel":
            if deploy_error is not None:
                return Answer({**done, "error": deploy_error})
            serving["deployed"].append("222")
            return Answer({**done, "response": {"deployedModel": {"id": "222"}}})
        if url == f"{HOST}/{EP}:undeployModel":
            serving["deployed"].remove(body["deployedModelId"])
            return Answer(done)
        if method == "PATCH" and url == f"{HOST}/{EP}":
            if "trafficSplit" in body and traffic_applies:
                serving["split"] = dict(body["trafficSplit"])
            return Answer({"name": EP, **body})
        if method == "GET" and url == f"{HOST}/{EP}":
            old = {"111": {"model": OLD_MODEL, "displayName": "old"}}
            deployed = [{"id": i, **old.get(i, {})} for i in serving["deployed"]]
            return Answer({"name": EP, "displayName": "my-ml-project-staging",
                           "deployedModels": deployed, "trafficSplit": serving["split"]})  # fmt: skip
        return None

    def route(method: str, url: str) -> Answer:
        answer = on_smoke_endpoint(method, url) or on_serving_endpoint(method, url)
        if answer is not None:
            return answer
        if method == "GET":
            return listing(url, calls[-1][3] or {}, "222" in serving["deployed"])
        if url.endswith("models:upload"):
            return Answer({**done, "response": {"model": NEW_MODEL}})
        if url.endswith(":deployModel"):
            return Answer({**done, "response": {"deployedModel": {"id": "333"}}})
        return Answer(done)

    return route


def listing(url: str, params: dict[str, str], new_served: bool) -> Answer:
    """What a GET lists: the project's Models (no endpoint is ever listed by its name)."""
    assert url.endswith("/models"), (url, params)
    return Answer({"models": models(new_served)})


OURS = {"deployed-by": "my-ml-project", "endpoint": "my-ml-project-staging"}
FILTER = 'labels.deployed-by="my-ml-project" AND labels.endpoint="my-ml-project-staging"'
LIKE_OURS = f"my-ml-project-staging-{'0' * 12}"
SERVED_ELSEWHERE = "projects/p/locations/us-central1/models/30"


def models(new_served: bool) -> list[dict[str, Any]]:
    """The project's Models once the old one is undeployed: ours (old, new), a foreign one
    named like ours, one of another endpoint, and one of ours that another endpoint serves."""
    deployed = [{"endpoint": EP, "deployedModelId": "222"}] if new_served else []
    prefix = "projects/p/locations/us-central1/models"
    return [
        {"name": OLD_MODEL, "displayName": "old", "labels": {**OURS, "md5": "0" * 32}},
        {"name": NEW_MODEL, "displayName": VERSION, "labels": OURS, "deployedModels": deployed},
        {"name": f"{prefix}/5", "displayName": LIKE_OURS, "labels": {}},
        {
            "name": f"{prefix}/6",
            "displayName": LIKE_OURS,
            "labels": {**OURS, "endpoint": "my-ml-project-production"},
        },
        {
            "name": SERVED_ELSEWHERE,
            "displayName": "kept",
            "labels": OURS,
            "deployedModels": [{"endpoint": "projects/p/locations/us-central1/endpoints/8"}],
        },
    ]


def vertex_run(generated: Generated, smoke_status: int, **state: Any) -> tuple[Session, Blobs, Any]:
    vertex = generated("gcp", "vertex_rollout")
    api_module = __import__("my_ml_project.managed.vertex", fromlist=["Api"])
    common = __import__("my_ml_project.managed.common", fromlist=["release"])
    key = f"files/md5/{MD5[:2]}/{MD5[2:]}"
    pin(f"gs://my-ml-project-dvc/{key}")
    blobs = Blobs({f"my-ml-project-dvc/{key}": MODEL})
    calls: list[tuple[Any, ...]] = []
    session = Session(vertex_route(smoke_status, calls, **state), calls)
    api = api_module.Api(session, "p", "us-central1", poll_seconds=0, gcs=blobs)
    release = common.release("staging", {"INSTANCE_TYPE": "n1-standard-4"})
    return session, blobs, (vertex, api, release, common)


def vertex_calls_until_smoke() -> list[tuple[Any, ...]]:
    model = {
        "displayName": VERSION,
        "artifactUri": f"gs://my-ml-project-dvc/serving/{MD5}",
        "containerSpec": {
            "imageUri": IMAGE,
            "predictRoute": "/v2/models/my-ml-project/infer",
            "healthRoute": "/v2/health/ready",
            "ports": [{"containerPort": 8080}],
            # The server refuses a staged file whose md5 is not this one.
            "env": [{"name": "MODEL_VERSION", "value": MD5}],
        },
        "labels": {"md5": MD5, **OURS},
    }
    deployed = {
        "model": NEW_MODEL,
        "displayName": VERSION,
        "dedicatedResources": {
            "machineSpec": {"machineType": "n1-standard-4"},
            "minReplicaCount": 1,
            "maxReplicaCount": 1,
        },
    }
    return [
        ("GET", f"{HOST}/{EP}", None, None),
        (
            "PATCH",
            f"{HOST}/{EP}",
            {"predictRequestResponseLoggingConfig": LOGGING},
            {"updateMask": "predict_request_response_logging_config"},
        ),
        ("POST", f"{BASE}/models:upload", {"model": model}, None),
        (
            "POST",
            f"{HOST}/{EP}:deployModel",
            {"deployedModel": deployed, "trafficSplit": {"0": 0, "111": 100}},
            None,
        ),
        ("GET", f"{HOST}/{SMOKE_EP}", None, None),
        (
            "POST",
            f"{HOST}/{SMOKE_EP}:deployModel",
            {"deployedModel": deployed, "trafficSplit": {"0": 100}},
            None,
        ),
        ("POST", f"{HOST}/{SMOKE_EP}:rawPredict", None, None),
        ("GET", f"{HOST}/{SMOKE_EP}", None, None),
        ("POST", f"{HOST}/{SMOKE_EP}:undeployModel", {"deployedModelId": "333"}, None),
    ]


def test_vertex_deploys_at_zero_smokes_the_new_model_then_moves_all_traffic(
    generated: Generated,
) -> None:
    """Clean-up deletes only the undeployed Model this repository uploaded for this
    endpoint: a foreign Model named like ours, another endpoint's and one that another
    endpoint still serves survive."""
    session, blobs, (vertex, api, release, _) = vertex_run(generated, 200)
    assert vertex.deploy(release, api) == f"my-ml-project-staging serves {VERSION}"
    assert session.calls == [
        *vertex_calls_until_smoke(),
        ("PATCH", f"{HOST}/{EP}", {"trafficSplit": {"222": 100}}, {"updateMask": "traffic_split"}),
        ("GET", f"{HOST}/{EP}", None, None),
        ("POST", f"{HOST}/{EP}:undeployModel", {"deployedModelId": "111"}, None),
        ("GET", f"{BASE}/models", None, {"filter": FILTER}),
        ("DELETE", f"{HOST}/{OLD_MODEL}", None, None),
    ]
    assert blobs.objects[f"my-ml-project-dvc/serving/{MD5}/model.joblib"] == MODEL
    assert [c[:2] for c in session.calls if http_rule(c[0], c[1]) is None] == []


def test_vertex_smokes_on_terraforms_smoke_endpoint_and_creates_no_endpoint(
    generated: Generated,
) -> None:
    """The deploy identity may create and delete no endpoint: the smoke request goes to the
    environment's smoke endpoint that Terraform made (found by its id), emptied first of
    what an interrupted run left there, and emptied again afterwards."""
    session, _, (vertex, api, release, _) = vertex_run(generated, 200, smoke_leftovers=("300",))
    vertex.deploy(release, api)
    expected = vertex_calls_until_smoke()
    found = expected.index(("GET", f"{HOST}/{SMOKE_EP}", None, None))
    leftover = ("POST", f"{HOST}/{SMOKE_EP}:undeployModel", {"deployedModelId": "300"}, None)
    expected.insert(found + 1, leftover)
    assert session.calls[: len(expected)] == expected
    made_or_gone = [
        c[:2] for c in session.calls
        if (c[0], c[1]) == ("POST", f"{BASE}/endpoints") or (c[0] == "DELETE" and "/endpoints/" in c[1])
    ]  # fmt: skip
    assert made_or_gone == []


def test_vertex_rolls_back_when_the_new_model_fails_the_smoke_request(
    generated: Generated,
) -> None:
    session, _, (vertex, api, release, common) = vertex_run(generated, 500)
    with pytest.raises(common.DeployError, match=r"^the smoke request failed: 500 "):
        vertex.deploy(release, api)
    assert session.calls == [
        *vertex_calls_until_smoke(),
        ("POST", f"{HOST}/{EP}:undeployModel", {"deployedModelId": "222"}, None),
        ("GET", f"{BASE}/models", None, {"filter": FILTER}),
        ("DELETE", f"{HOST}/{OLD_MODEL}", None, None),
        ("DELETE", f"{HOST}/{NEW_MODEL}", None, None),
    ]


OLD = "m-0123456789ab"
NEW = f"m-{release_id(MD5, IMAGE, 'Standard_DS3_v2', 'azure')}"


IDENTITY = (
    "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.ManagedIdentity"
    "/userAssignedIdentities/my-ml-project-endpoint-staging"
)
SERVING = {"name": "e", "traffic": {OLD: 100},
           "identity": {"type": "user_assigned",
                        "user_assigned_identities": [{"resource_id": IDENTITY.lower()}]}}  # fmt: skip


def azure_run(
    generated: Generated,
    tmp_path: Path,
    invoke: Any,
    show: Any = SERVING,
    path: str = "",
    **state: Any,
) -> tuple[Az, Any, Any, Any, Blobs]:
    """The Azure rollout over a fake ``az``: ``show`` is the endpoint that ``online-endpoint
    show`` answers (a callable that raises: there is none yet), ``path`` the DVC remote's
    folder in its container. The endpoint keeps its traffic: an ``update --traffic`` takes
    effect only if ``traffic_applies``; a new deployment ends ``provisioning`` (Succeeded),
    or its ``create`` fails with ``create_error`` after making it."""
    rollout = generated("azure", "azureml_rollout")
    azureml = __import__("my_ml_project.managed.azureml", fromlist=["Workspace"])
    common = __import__("my_ml_project.managed.common", fromlist=["release"])
    key = f"{path}files/md5/{MD5[:2]}/{MD5[2:]}"
    pin(f"https://mymlprojectdvc.blob.core.windows.net/my-ml-project-dvc/{key}")
    blobs = Blobs({f"my-ml-project-dvc/{key}": MODEL})
    made = [OLD]
    endpoint: list[dict[str, Any]] = [] if callable(show) else [json.loads(json.dumps(show))]

    def shown(argv: list[str]) -> Any:
        return endpoint[0] if endpoint else show(argv)

    def created(argv: list[str]) -> Any:
        endpoint.append({"name": "e", "traffic": {}})
        return endpoint[0]

    def updated(argv: list[str]) -> str:
        given = argv[argv.index("--traffic") + 1].split()
        if state.get("traffic_applies", True):
            endpoint[0]["traffic"] = {k: int(v) for k, v in (x.split("=") for x in given)}
        return "{}"

    def deployment_created(argv: list[str]) -> str:
        made.append(NEW)
        if "create_error" in state:
            raise common.DeployError(state["create_error"])
        return "{}"

    az = Az([
        (("ml", "online-endpoint", "show"), shown),
        (("ml", "online-endpoint", "create"), created),
        (("ml", "online-endpoint", "update"), updated),
        (("ml", "online-deployment", "list"), lambda argv: [{"name": n} for n in made]),
        (("ml", "online-deployment", "show"),
         {"name": NEW, "provisioning_state": state.get("provisioning", "Succeeded")}),
        (("ml", "online-deployment", "delete"),
         lambda argv: made.remove(argv[argv.index("--name") + 1]) or ""),
        (("ml", "model", "list"), ""),
        (("ml", "model", "create"), {"version": "3"}),
        (("ml", "online-deployment", "create"), deployment_created),
        (("ml", "online-endpoint", "invoke"), invoke),
    ])  # fmt: skip
    work = tmp_path / "work"
    work.mkdir()
    workspace = azureml.Workspace(az, "dvcstore", IDENTITY, work, blobs)
    release = common.release("staging", {**AZURE_WORKSPACE, "INSTANCE_TYPE": "Standard_DS3_v2"})
    return az, rollout, workspace, release, common


def azure_calls_until_smoke(work: Path) -> list[list[str]]:
    endpoint = AZURE_ENDPOINT
    return [
        ["ml", "online-endpoint", "show", "--name", endpoint, "--output", "json"],
        ["ml", "online-deployment", "list", "--endpoint-name", endpoint, "--output", "json"],
        ["ml", "model", "list", "--name", endpoint,
         "--query", f"[?tags.md5=='{MD5}'].version | [0]", "--output", "json"],
        ["ml", "model", "create", "--name", endpoint, "--type", "custom_model",
         "--path", str(work / "model.joblib"), "--tags", f"md5={MD5}", "--output", "json"],
        ["ml", "online-deployment", "create", "--file", str(work / "deployment.yml")],
        ["ml", "online-deployment", "show", "--name", NEW, "--endpoint-name", endpoint,
         "--output", "json"],
        ["ml", "online-endpoint", "invoke", "--name", endpoint,
         "--deployment-name", NEW, "--request-file", str(work / "smoke.json")],
    ]  # fmt: skip


def test_azure_deploys_at_zero_smokes_by_deployment_then_moves_traffic(
    generated: Generated, tmp_path: Path
) -> None:
    az, rollout, ws, release, _ = azure_run(generated, tmp_path, json.dumps(json.dumps(GOOD)))
    assert rollout.deploy(release, ws) == f"{AZURE_ENDPOINT} serves {NEW}"
    endpoint = AZURE_ENDPOINT
    assert az.calls == [
        *azure_calls_until_smoke(ws.work),
        ["ml", "online-endpoint", "update", "--name", endpoint,
         "--traffic", " ".join(sorted([f"{OLD}=0", f"{NEW}=100"]))],
        ["ml", "online-endpoint", "show", "--name", endpoint, "--output", "json"],
        ["ml", "online-deployment", "list", "--endpoint-name", endpoint, "--output", "json"],
        ["ml", "online-deployment", "delete", "--name", OLD, "--endpoint-name", endpoint, "--yes"],
    ]  # fmt: skip
    assert (ws.work / "model.joblib").read_bytes() == MODEL
    request = json.loads(az.files["smoke.json"])
    assert request["inputs"][0]["shape"] == [1, 8]
    assert request["id"] == f"mlrig-smoke-{MD5[:12]}"  # the collector records it: left out
    spec = yaml.safe_load(az.files["deployment.yml"])
    monitoring = f"azureml://datastores/dvcstore/paths/monitoring/azureml/staging/{endpoint}"
    assert spec == {
        "$schema": "https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json",
        "name": NEW,
        "endpoint_name": endpoint,
        "model": f"azureml:{endpoint}:3",
        "model_mount_path": "/var/azureml-app/model",
        "environment_variables": {
            "MLSERVER_MODEL_URI": "/var/azureml-app/model/model.joblib",
            "MODEL_VERSION": MD5,  # the server refuses a mounted file with another md5
        },
        "environment": {
            "image": IMAGE,
            "inference_config": {
                "liveness_route": {"path": "/v2/health/live", "port": 8080},
                "readiness_route": {"path": "/v2/health/ready", "port": 8080},
                "scoring_route": {"path": "/v2/models/my-ml-project/infer", "port": 8080},
            },
        },
        "instance_type": "Standard_DS3_v2",
        "instance_count": 1,
        "data_collector": {
            "sampling_rate": 1.0,
            "collections": {
                "request": {"enabled": "True", "data": {
                    "name": f"{endpoint}-request", "path": f"{monitoring}/request"}},
                "response": {"enabled": "True", "data": {
                    "name": f"{endpoint}-response", "path": f"{monitoring}/response"}},
            },
        },
    }  # fmt: skip


def test_azure_deletes_the_new_deployment_when_its_smoke_request_fails(
    generated: Generated, tmp_path: Path
) -> None:
    def failing(argv: list[str]) -> str:
        """``az`` exits non-zero: the generated ``az()`` turns that into its DeployError."""
        deploy_error = sys.modules["my_ml_project.managed.common"].DeployError
        raise deploy_error("az ml online-endpoint invoke: (UserError) upstream request timeout")

    az, rollout, ws, release, common = azure_run(generated, tmp_path, failing)
    with pytest.raises(common.DeployError, match=r"^the smoke request failed: az ml "):
        rollout.deploy(release, ws)
    endpoint = AZURE_ENDPOINT
    assert az.calls == [
        *azure_calls_until_smoke(ws.work),
        ["ml", "online-deployment", "delete", "--name", NEW, "--endpoint-name", endpoint, "--yes"],
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("cloud", "default"),
    [("aws", "ml.m5.large"), ("gcp", "n1-standard-2"), ("azure", "Standard_DS3_v2")],
)
def test_the_release_deploys_the_pinned_image_on_the_params_instance_type(
    generated: Generated, cloud: str, default: str
) -> None:
    """The image is the reviewed pin's, whatever the environment says; the instance type has
    a default in params.yaml that ENDPOINT_INSTANCE_TYPE (INSTANCE_TYPE in the job) overrides."""
    common = generated(cloud, "common")
    pin("s3://my-ml-project-dvc/files/md5/" + MD5[:2] + "/" + MD5[2:])
    other = IMAGE.split("@")[0] + "@sha256:" + "cd" * 32
    release = common.release("staging", {**AZURE_WORKSPACE, "SERVING_IMAGE": other})
    assert (release.image, release.instance_type) == (IMAGE, default)
    big = common.release("staging", {**AZURE_WORKSPACE, "INSTANCE_TYPE": "big"})
    assert big.instance_type == "big"
    bare = yaml.safe_load(Path("deploy/staging.yaml").read_text(encoding="utf-8"))
    del bare["serving_image"]
    Path("deploy/staging.yaml").write_text(yaml.safe_dump(bare), encoding="utf-8")
    with pytest.raises(common.DeployError) as refused:
        common.release("staging", {**AZURE_WORKSPACE, "SERVING_IMAGE": other})
    assert str(refused.value) == (
        "deploy/staging.yaml: no serving_image (serve-image.yml builds the image and pins it"
        " by digest with `pins image`, in a pull request)"
    )


@pytest.mark.parametrize(("cloud", "limit"), [("aws", 63), ("gcp", 128)])
def test_a_long_endpoint_name_is_cut_to_the_clouds_limit_with_a_stable_hash(
    generated: Generated, cloud: str, limit: int
) -> None:
    """SageMaker takes 63 characters, Vertex AI display names 128: a longer name keeps its
    start and ends in 8 hex digits of its sha256. The endpoint is the slug's and the
    environment's, never a setting's (Terraform grants rights on that name)."""
    common = generated(cloud, "common")
    pin("s3://my-ml-project-dvc/files/md5/" + MD5[:2] + "/" + MD5[2:])
    long = "customer-churn-propensity-model-for-retail-banking-europe-x1-staging-" * 2
    digest = hashlib.sha256(long.encode()).hexdigest()[:8]
    assert limit == common.ENDPOINT_LIMIT
    cut = common.fit(long, limit)
    assert cut == f"{long[: limit - 9].rstrip('-')}-{digest}"
    assert len(cut) <= limit
    assert common.fit("short-one", limit) == "short-one"
    other = common.fit(long[:-1] + "y", limit)
    assert other != cut and len(other) == len(cut)
    release = common.release("staging", {"ENDPOINT": "elsewhere"})
    assert release.endpoint == "my-ml-project-staging"


def missing(argv: list[str]) -> str:
    """``az ml online-endpoint show`` of an endpoint that does not exist."""
    deploy_error = sys.modules["my_ml_project.managed.common"].DeployError
    raise deploy_error("az ml online-endpoint show: (ResourceNotFound) not found")


def test_azure_creates_the_endpoint_as_the_identity_that_may_write_the_capture(
    generated: Generated, tmp_path: Path
) -> None:
    """The data collector writes as the endpoint's identity: a new endpoint runs as
    AZUREML_ENDPOINT_IDENTITY, and the collector writes below the remote's own folder."""
    good = json.dumps(json.dumps(GOOD))
    az, rollout, ws, release, _ = azure_run(generated, tmp_path, good, missing, "team/")
    rollout.deploy(release, ws)
    endpoint = AZURE_ENDPOINT
    assert az.calls[1] == [
        "ml", "online-endpoint", "create", "--file", str(ws.work / "endpoint.yml"),
        "--output", "json",
    ]  # fmt: skip
    assert yaml.safe_load(az.files["endpoint.yml"]) == {
        "$schema": "https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json",
        "name": endpoint,
        "auth_mode": "key",
        "identity": {
            "type": "user_assigned",
            "user_assigned_identities": [{"resource_id": IDENTITY}],
        },
    }
    collections = yaml.safe_load(az.files["deployment.yml"])["data_collector"]["collections"]
    assert collections["request"]["data"]["path"] == (
        f"azureml://datastores/dvcstore/paths/team/monitoring/azureml/staging/{endpoint}/request"
    )


def test_azure_refuses_an_endpoint_that_runs_as_another_identity(
    generated: Generated, tmp_path: Path
) -> None:
    other = {**SERVING, "identity": {"type": "system_assigned", "principal_id": "p"}}
    az, rollout, ws, release, common = azure_run(generated, tmp_path, "", other)
    with pytest.raises(common.DeployError) as refused:
        rollout.deploy(release, ws)
    assert str(refused.value) == (
        f"endpoint {AZURE_ENDPOINT} does not run as {IDENTITY} (AZUREML_ENDPOINT_IDENTITY),"
        " the identity allowed to write its data capture; delete the endpoint and deploy again"
        " to recreate it with that identity"
    )
    assert [call[:3] for call in az.calls] == [["ml", "online-endpoint", "show"]]


def test_the_azure_collector_writes_where_terraform_lets_it_through_its_datastore(
    render: Render,
) -> None:
    """The datastore name and the folder the deploy writes to are the ones the generated
    Terraform creates and grants (serving.tf), and the CD job passes every setting."""
    repo = render(cloud="azure", deploy_target="managed")
    terraform = (repo / "terraform/serving.tf").read_text(encoding="utf-8")
    assert 'monitoring_datastore = "dvc_monitoring"' in terraform
    assert 'folder = "monitoring/azureml/" }' in terraform
    code = (repo / "src/my_ml_project/managed/azureml.py").read_text(encoding="utf-8")
    assert "{release.capture_folder('azureml')}/{release.endpoint}" in code
    cd = (repo / ".github/workflows/cd.yml").read_text(encoding="utf-8")
    for name in ("AZUREML_MONITORING_DATASTORE", "AZUREML_ENDPOINT_IDENTITY"):
        assert f"{name}: ${{{{ vars.{name} }}}}" in cd


def test_vertex_clean_up_reads_every_page_of_the_models_list(generated: Generated) -> None:
    _, _, (vertex, api, release, _) = vertex_run(generated, 200)
    prefix = "projects/p/locations/us-central1/models"
    pages = {
        None: {"models": [{"name": f"{prefix}/1", "labels": OURS}], "nextPageToken": "t2"},
        "t2": {"models": [{"name": f"{prefix}/2", "labels": OURS},
                          {"name": f"{prefix}/3", "labels": {}}]},
    }  # fmt: skip
    done = {"name": "projects/p/locations/us-central1/operations/1", "done": True}
    session = Session(lambda method, url: Answer(done))

    def route(method: str, url: str) -> Answer:
        if method == "GET":
            token = (session.calls[-1][3] or {}).get("pageToken")
            return Answer(pages[token])
        return Answer(done)

    session.route = route
    api.session = session
    vertex.clean_up(release, api)
    assert session.calls == [
        ("GET", f"{BASE}/models", None, {"filter": FILTER}),
        ("GET", f"{BASE}/models", None, {"filter": FILTER, "pageToken": "t2"}),
        ("DELETE", f"{HOST}/{prefix}/1", None, None),
        ("DELETE", f"{HOST}/{prefix}/2", None, None),
    ]


def run_main(
    module: str, fake: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    """``python -m my_ml_project.managed deploy staging`` in-process, with ``fake`` as the
    cloud's client (``vertex.api`` or ``azureml.Workspace``): exit code, stdout, stderr."""
    cloud = sys.modules[f"my_ml_project.managed.{module}"]
    main = __import__("my_ml_project.managed.__main__", fromlist=["main"])
    monkeypatch.setattr(cloud, "api" if module == "vertex" else "Workspace", fake)
    for name, value in {"GCP_PROJECT": "p", "REGION": "us-central1",
                        "AZUREML_MONITORING_DATASTORE": "dvcstore",
                        "AZUREML_ENDPOINT_IDENTITY": IDENTITY, **AZURE_WORKSPACE,
                        "INSTANCE_TYPE": "n1-standard-4" if module == "vertex"
                        else "Standard_DS3_v2"}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    capsys.readouterr()
    code = main.main(["deploy", "staging"])
    out, err = capsys.readouterr()
    return code, out, err


def test_vertex_rolls_back_a_traffic_update_that_does_not_take_effect(
    generated: Generated, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Vertex answers the PATCH as asked, but the endpoint still sends everything to the old
    model: the old split is set again, the new model undeployed and deleted, exit 1."""
    session, _, (_, api, _, _) = vertex_run(generated, 200, traffic_applies=False)
    code, out, err = run_main("vertex", lambda project, region: api, monkeypatch, capsys)
    assert (code, err) == (
        1,
        "::error::deploy staging: my-ml-project-staging: traffic split {'111': 100} after the"
        " update, expected {'222': 100}; rolled back to {'111': 100}\n",
    )
    assert out == (
        "rolling my-ml-project-staging back to {'111': 100}\n"
        f"deleted model old\ndeleted model {VERSION}\n"
    )
    assert session.calls == [
        *vertex_calls_until_smoke(),
        ("PATCH", f"{HOST}/{EP}", {"trafficSplit": {"222": 100}}, {"updateMask": "traffic_split"}),
        ("GET", f"{HOST}/{EP}", None, None),
        ("PATCH", f"{HOST}/{EP}", {"trafficSplit": {"111": 100}}, {"updateMask": "traffic_split"}),
        ("POST", f"{HOST}/{EP}:undeployModel", {"deployedModelId": "222"}, None),
        ("GET", f"{BASE}/models", None, {"filter": FILTER}),
        ("DELETE", f"{HOST}/{OLD_MODEL}", None, None),
        ("DELETE", f"{HOST}/{NEW_MODEL}", None, None),
    ]


def test_vertex_deletes_the_uploaded_model_when_its_deployment_fails_later(
    generated: Generated, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """deployModel is accepted (an operation) and the operation ends in an error: the
    endpoint's traffic never moved, the uploaded Model is deleted, exit 1."""
    error = {"code": 13, "message": "Model server never became ready."}
    session, _, (_, api, _, _) = vertex_run(generated, 200, deploy_error=error)
    code, out, err = run_main("vertex", lambda project, region: api, monkeypatch, capsys)
    operation = "projects/p/locations/us-central1/operations/1"
    assert (code, err) == (1, f"::error::deploy staging: {operation}: {error}\n")
    assert out == (
        f"deploying {VERSION} failed: my-ml-project-staging keeps {{'111': 100}}\n"
        "deleted model old\n"
        f"deleted model {VERSION}\n"
    )
    assert session.calls == [
        *vertex_calls_until_smoke()[:4],
        ("GET", f"{BASE}/models", None, {"filter": FILTER}),
        ("DELETE", f"{HOST}/{OLD_MODEL}", None, None),
        ("DELETE", f"{HOST}/{NEW_MODEL}", None, None),
    ]


def test_azure_rolls_back_a_traffic_update_that_does_not_take_effect(
    generated: Generated,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``online-endpoint update --traffic`` exits 0 but the endpoint still sends all traffic
    to the old deployment: the old traffic is set again, the new deployment deleted, exit 1."""
    good = json.dumps(json.dumps(GOOD))
    az, _, ws, _, _ = azure_run(generated, tmp_path, good, traffic_applies=False)
    code, out, err = run_main("azureml", lambda *args: ws, monkeypatch, capsys)
    assert (code, err) == (
        1,
        f"::error::deploy staging: {AZURE_ENDPOINT}: traffic {OLD}=100 after the update,"
        f" expected {NEW}=100; rolled back to {OLD}=100\n",
    )
    assert out == f"rolling {AZURE_ENDPOINT} back to {OLD}=100\n"
    endpoint = AZURE_ENDPOINT
    assert az.calls[len(azure_calls_until_smoke(ws.work)) :] == [
        ["ml", "online-endpoint", "update", "--name", endpoint,
         "--traffic", " ".join(sorted([f"{OLD}=0", f"{NEW}=100"]))],
        ["ml", "online-endpoint", "show", "--name", endpoint, "--output", "json"],
        ["ml", "online-endpoint", "update", "--name", endpoint,
         "--traffic", " ".join(sorted([f"{OLD}=100", f"{NEW}=0"]))],
        ["ml", "online-deployment", "delete", "--name", NEW, "--endpoint-name", endpoint, "--yes"],
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("state", "error"),
    [
        (
            {"create_error": "az ml online-deployment: (DeploymentFailed) container crashed"},
            "az ml online-deployment: (DeploymentFailed) container crashed",
        ),
        (
            {"provisioning": "Failed"},
            f"deployment {NEW} is Failed after its creation, expected Succeeded",
        ),
    ],
)
def test_azure_deletes_a_deployment_left_failed_and_keeps_the_traffic(
    generated: Generated,
    tmp_path: Path,
    *,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    state: dict[str, str],
    error: str,
) -> None:
    """The deployment is made and ends Failed (the create fails after making it, or exits 0
    and Azure ML reports it Failed): it is deleted, the traffic never moves, exit 1."""
    az, _, ws, _, _ = azure_run(generated, tmp_path, json.dumps(json.dumps(GOOD)), **state)
    code, out, err = run_main("azureml", lambda *args: ws, monkeypatch, capsys)
    assert (code, err) == (1, f"::error::deploy staging: {error}\n")
    assert out == f"the deployment failed: deleting {NEW}; the traffic stays {OLD}=100\n"
    endpoint = AZURE_ENDPOINT
    until = azure_calls_until_smoke(ws.work)[: 5 if "create_error" in state else 6]
    assert az.calls == [
        *until,
        ["ml", "online-deployment", "delete", "--name", NEW, "--endpoint-name", endpoint, "--yes"],
    ]  # fmt: skip
    assert [c for c in az.calls if c[:3] == ["ml", "online-endpoint", "update"]] == []
