"""A release is the model with its serving image and deploy settings, on Vertex AI and Azure ML.

The generated rollouts run against stateful fakes of each cloud's API (Vertex AI's REST
v1 endpoints and models, the ``az ml`` CLI's endpoints, deployments and models): each
fake keeps what was created, deployed and deleted, so a test reads the endpoint's state
after each deploy. The same model in another serving image, on another instance type or
with another capture share is a new release, rolled out as a new model is; the same
release again is left alone. (SageMaker's case runs against moto:
test_managed_sagemaker.py.)
"""

from __future__ import annotations

import itertools
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
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
OTHER_IMAGE = IMAGE.split("@")[0] + "@sha256:" + "ef" * 32
HOST = "https://us-central1-aiplatform.googleapis.com/v1"
LOCATION = "projects/p/locations/us-central1"
ENDPOINT = "my-ml-project-staging"
KEY = f"files/md5/{MD5[:2]}/{MD5[2:]}"
DONE = {"name": f"{LOCATION}/operations/1", "done": True}


@pytest.fixture
def repo(render: Render, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Path]:
    cloud = request.param
    yield copy_repo(render(cloud=cloud, deploy_target="managed"), tmp_path / cloud)
    forget()


def set_param(old: str, new: str) -> None:
    """Edit params.yaml of the working directory's repository."""
    params = Path("params.yaml")
    text = params.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    params.write_text(text.replace(old, new), encoding="utf-8")


@dataclass
class Vertex:
    """Vertex AI's endpoints and models, kept as the REST API reports them."""

    session: Session = field(init=False)
    endpoints: dict[str, dict[str, Any]] = field(default_factory=dict)
    models: dict[str, dict[str, Any]] = field(default_factory=dict)
    ids: Iterator[int] = field(default_factory=lambda: itertools.count(100))

    def __post_init__(self) -> None:
        self.session = Session(self.route)

    def route(self, method: str, url: str) -> Answer:
        _, _, body, params = self.session.calls[-1]
        path = url.removeprefix(f"{HOST}/")
        name, _, verb = path.partition(":")
        if path == f"{LOCATION}/endpoints":
            return self.listed(params) if method == "GET" else self.created(body)
        if path == f"{LOCATION}/models:upload":
            made = f"{LOCATION}/models/{next(self.ids)}"
            self.models[made] = {"name": made, **body["model"]}
            return Answer({**DONE, "response": {"model": made}})
        if path == f"{LOCATION}/models":
            return Answer({"models": [self.model(m) for m in self.models.values()]})
        if name in self.models and method == "DELETE":
            del self.models[name]
            return Answer(DONE)
        return self.on_endpoint(method, name, verb, body)

    def listed(self, params: dict[str, str]) -> Answer:
        found = [e for e in self.endpoints.values() if params["filter"] == _named(e)]
        return Answer({"endpoints": found} if found else {})

    def created(self, body: dict[str, Any]) -> Answer:
        made = f"{LOCATION}/endpoints/{next(self.ids)}"
        self.endpoints[made] = {"name": made, **body, "deployedModels": [], "trafficSplit": {}}
        return Answer({**DONE, "response": self.endpoints[made]})

    def model(self, model: dict[str, Any]) -> dict[str, Any]:
        serving = [
            {"endpoint": e["name"], "deployedModelId": d["id"]}
            for e in self.endpoints.values()
            for d in e["deployedModels"]
            if d["model"] == model["name"]
        ]
        return {**model, "deployedModels": serving} if serving else model

    def on_endpoint(self, method: str, name: str, verb: str, body: Any) -> Answer:
        endpoint = self.endpoints[name]
        if verb == "deployModel":
            new = str(next(self.ids))
            endpoint["deployedModels"].append({**body["deployedModel"], "id": new})
            split = body["trafficSplit"].items()
            endpoint["trafficSplit"] = {(new if k == "0" else k): v for k, v in split}
            return Answer({**DONE, "response": {"deployedModel": {"id": new}}})
        if verb == "undeployModel":
            gone = body["deployedModelId"]
            endpoint["deployedModels"] = [d for d in endpoint["deployedModels"] if d["id"] != gone]
            endpoint["trafficSplit"].pop(gone, None)
            return Answer(DONE)
        if verb == "rawPredict":
            split = endpoint["trafficSplit"]
            return Answer(GOOD, 200, {"X-Vertex-AI-Deployed-Model-Id": max(split, key=split.get)})
        if method == "PATCH":
            endpoint.update(body)
        if method == "DELETE":
            del self.endpoints[name]
            return Answer(DONE)
        return Answer(endpoint)

    def serving(self) -> list[tuple[str, str, dict[str, Any]]]:
        """The serving endpoint's deployed models: display name, image, resources."""
        endpoint = self.endpoints[f"{LOCATION}/endpoints/{vertex_endpoint('p', ENDPOINT)}"]
        assert endpoint["trafficSplit"] == {d["id"]: 100 for d in endpoint["deployedModels"]}
        return [
            (d["displayName"], self.models[d["model"]]["containerSpec"]["imageUri"],
             d["dedicatedResources"])
            for d in endpoint["deployedModels"]
        ]  # fmt: skip


def _named(endpoint: dict[str, Any]) -> str:
    return f'display_name="{endpoint["displayName"]}"'


def vertex_version(image: str, kind: str, capture: int = 100) -> str:
    return f"{ENDPOINT}-{release_id(MD5, image, kind, 'gcp', capture=capture)}"


def resources(kind: str) -> dict[str, Any]:
    return {"machineSpec": {"machineType": kind}, "minReplicaCount": 1, "maxReplicaCount": 1}


@pytest.mark.parametrize("repo", ["gcp"], indirect=True)
def test_vertex_rolls_out_a_new_image_or_setting_and_leaves_the_same_release(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    rollout = import_generated(repo, "vertex_rollout", monkeypatch)
    common = sys.modules["my_ml_project.managed.common"]
    api_type = sys.modules["my_ml_project.managed.vertex"].Api
    cloud = Vertex()
    # Another repository's endpoint (or one made by hand) with the same display name,
    # listed first, and the one Terraform made for this environment.
    decoy = f"{LOCATION}/endpoints/7"
    theirs = {"name": decoy, "displayName": ENDPOINT, "deployedModels": [{"id": "1", "model": "x"}],
              "trafficSplit": {"1": 100}}  # fmt: skip
    cloud.endpoints[decoy] = json.loads(json.dumps(theirs))
    for display in (ENDPOINT, f"{ENDPOINT}-smoke"):  # the endpoints Terraform made
        made = f"{LOCATION}/endpoints/{vertex_endpoint('p', display)}"
        cloud.endpoints[made] = {"name": made, "displayName": display, "deployedModels": []}
    api = api_type(cloud.session, "p", "us-central1", poll_seconds=0)
    api.gcs = Blobs({f"my-ml-project-dvc/{KEY}": MODEL})

    def deploy(image: str, kind: str) -> str:
        pin(f"gs://my-ml-project-dvc/{KEY}", image)
        return str(rollout.deploy(common.release("staging", {"INSTANCE_TYPE": kind}), api))

    first = vertex_version(IMAGE, "n1-standard-2")
    assert deploy(IMAGE, "n1-standard-2") == f"{ENDPOINT} serves {first}"
    assert deploy(IMAGE, "n1-standard-2") == f"{ENDPOINT} already serves {first}"
    capsys.readouterr()

    image = vertex_version(OTHER_IMAGE, "n1-standard-2")  # the image alone changes
    assert deploy(OTHER_IMAGE, "n1-standard-2") == f"{ENDPOINT} serves {image}"
    assert cloud.serving() == [(image, OTHER_IMAGE, resources("n1-standard-2"))]
    assert capsys.readouterr().out == f"undeployed {first}\ndeleted model {first}\n"

    kind = vertex_version(OTHER_IMAGE, "n1-standard-8")  # the instance type alone
    assert deploy(OTHER_IMAGE, "n1-standard-8") == f"{ENDPOINT} serves {kind}"
    assert cloud.serving() == [(kind, OTHER_IMAGE, resources("n1-standard-8"))]

    set_param("capture_percent: 100", "capture_percent: 25")  # the capture share alone
    capture = vertex_version(OTHER_IMAGE, "n1-standard-8", 25)
    assert deploy(OTHER_IMAGE, "n1-standard-8") == f"{ENDPOINT} serves {capture}"
    assert cloud.serving() == [(capture, OTHER_IMAGE, resources("n1-standard-8"))]
    assert deploy(OTHER_IMAGE, "n1-standard-8") == f"{ENDPOINT} already serves {capture}"
    assert [m["displayName"] for m in cloud.models.values()] == [capture]
    assert cloud.endpoints[decoy] == theirs
    assert cloud.endpoints[made]["deployedModels"] == []  # the smoke endpoint, emptied
    at_decoy = (f"{HOST}/{decoy}/", f"{HOST}/{decoy}:")  # endpoints/7, not endpoints/7144...
    calls = cloud.session.calls
    assert [c for c in calls if c[1] == f"{HOST}/{decoy}" or c[1].startswith(at_decoy)] == []


IDENTITY = (
    "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.ManagedIdentity"
    "/userAssignedIdentities/my-ml-project-endpoint-staging"
)


@dataclass
class AzureMl:
    """An Azure ML workspace as ``az ml`` reports it: one endpoint, its deployments, models."""

    endpoint: dict[str, Any] | None = None
    deployments: dict[str, dict[str, Any]] = field(default_factory=dict)
    models: dict[str, str] = field(default_factory=dict)  # md5 -> version

    def __call__(self, argv: list[str]) -> Any:
        command, flags = tuple(argv[1:3]), dict(zip(argv[3::2], argv[4::2], strict=False))
        if command == ("online-endpoint", "show"):
            if self.endpoint is None:
                raise sys.modules["my_ml_project.managed.common"].DeployError("(ResourceNotFound)")
            return self.endpoint
        if command == ("online-endpoint", "create"):
            self.endpoint = {**_spec(flags), "traffic": {}}
            return self.endpoint
        if command == ("online-endpoint", "update"):
            assert self.endpoint is not None
            shares = (item.split("=") for item in flags["--traffic"].split())
            self.endpoint["traffic"] = {name: int(value) for name, value in shares}
            return "{}"
        if command == ("online-endpoint", "invoke"):
            assert flags["--deployment-name"] in self.deployments
            return json.dumps(json.dumps(GOOD))
        return self.on_deployments(command, flags)

    def on_deployments(self, command: tuple[str, ...], flags: dict[str, str]) -> Any:
        if command == ("online-deployment", "list"):
            return [{"name": name} for name in self.deployments]
        if command == ("online-deployment", "create"):
            spec = _spec(flags)
            self.deployments[spec["name"]] = spec
            return "{}"
        if command == ("online-deployment", "show"):
            return {"name": flags["--name"], "provisioning_state": "Succeeded"}
        if command == ("online-deployment", "delete"):  # the endpoint's traffic forgets it
            del self.deployments[flags["--name"]]
            if self.endpoint is not None:
                self.endpoint["traffic"].pop(flags["--name"], None)
            return ""
        if command == ("model", "list"):
            md5 = flags["--query"].split("'")[1]
            return self.models.get(md5, "")
        assert command == ("model", "create"), command
        version = str(len(self.models) + 1)
        self.models[flags["--tags"].removeprefix("md5=")] = version
        return {"version": version}

    def serving(self) -> list[tuple[str, str, str, float]]:
        """The deployments: name, image, instance type, capture sampling rate."""
        assert self.endpoint is not None
        assert self.endpoint["traffic"] == dict.fromkeys(self.deployments, 100)
        return [
            (name, d["environment"]["image"], d["instance_type"],
             d["data_collector"]["sampling_rate"])
            for name, d in self.deployments.items()
        ]  # fmt: skip


def _spec(flags: dict[str, str]) -> dict[str, Any]:
    return dict(yaml.safe_load(Path(flags["--file"]).read_text(encoding="utf-8")))


def azure_name(image: str, kind: str, capture: int = 100) -> str:
    return f"m-{release_id(MD5, image, kind, 'azure', capture=capture)}"


@pytest.mark.parametrize("repo", ["azure"], indirect=True)
def test_azure_rolls_out_a_new_image_or_setting_and_leaves_the_same_release(
    repo: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    rollout: ModuleType = import_generated(repo, "azureml_rollout", monkeypatch)
    common = sys.modules["my_ml_project.managed.common"]
    azureml = sys.modules["my_ml_project.managed.azureml"]
    cloud = AzureMl()
    az = Az([(("ml",), cloud)])
    (tmp_path / "work").mkdir()
    blobs = Blobs({f"my-ml-project-dvc/{KEY}": MODEL})
    workspace = azureml.Workspace(az, "dvcstore", IDENTITY, tmp_path / "work", blobs)

    def deploy(image: str, kind: str) -> str:
        pin(f"https://mymlprojectdvc.blob.core.windows.net/my-ml-project-dvc/{KEY}", image)
        settings = {**AZURE_WORKSPACE, "INSTANCE_TYPE": kind}
        return str(rollout.deploy(common.release("staging", settings), workspace))

    first = azure_name(IMAGE, "Standard_DS3_v2")
    assert deploy(IMAGE, "Standard_DS3_v2") == f"{AZURE_ENDPOINT} serves {first}"
    assert deploy(IMAGE, "Standard_DS3_v2") == f"{AZURE_ENDPOINT} already serves {first}"

    image = azure_name(OTHER_IMAGE, "Standard_DS3_v2")  # the image alone changes
    assert deploy(OTHER_IMAGE, "Standard_DS3_v2") == f"{AZURE_ENDPOINT} serves {image}"
    assert cloud.serving() == [(image, OTHER_IMAGE, "Standard_DS3_v2", 1.0)]

    kind = azure_name(OTHER_IMAGE, "Standard_DS4_v2")  # the instance type alone
    assert deploy(OTHER_IMAGE, "Standard_DS4_v2") == f"{AZURE_ENDPOINT} serves {kind}"
    assert cloud.serving() == [(kind, OTHER_IMAGE, "Standard_DS4_v2", 1.0)]

    set_param("capture_percent: 100", "capture_percent: 25")  # the capture share alone
    capture = azure_name(OTHER_IMAGE, "Standard_DS4_v2", 25)
    assert deploy(OTHER_IMAGE, "Standard_DS4_v2") == f"{AZURE_ENDPOINT} serves {capture}"
    assert cloud.serving() == [(capture, OTHER_IMAGE, "Standard_DS4_v2", 0.25)]
    assert deploy(OTHER_IMAGE, "Standard_DS4_v2") == f"{AZURE_ENDPOINT} already serves {capture}"
    # the model was registered once: every release of it deploys the same registration
    assert cloud.models == {MD5: "1"}
    assert sum(call[:3] == ["ml", "model", "create"] for call in az.calls) == 1
