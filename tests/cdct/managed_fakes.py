"""Fakes at the cloud SDK boundary for the generated managed-deploy code, and its import.

Only what the SDKs hand back is faked (an HTTP session's answers, a storage client's
blobs, the ``az`` CLI's stdout); every call is recorded with its arguments, so a
test compares them with the shapes the APIs document.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

PACKAGE = "my_ml_project"
IMAGE = "europe-docker.pkg.dev/p/serve/serve@sha256:" + "cd" * 32
MODEL = b"pinned model bytes"
MD5 = hashlib.md5(MODEL).hexdigest()
# The Azure ML workspace that the staging deploy's settings name (the resource group in
# another case than Azure reports it: Azure ids ignore case), and the endpoint name it
# gives: unique in its region, so the slug's start, "stg", and 8 hex digits of the sha256
# of the lower-case resource id of <slug>-staging in that workspace.
AZURE_WORKSPACE = {
    "AZURE_SUBSCRIPTION_ID": "00000000-1111-2222-3333-444444444444",
    "AZUREML_RESOURCE_GROUP": "My-ML-Project",
    "AZUREML_WORKSPACE": "my-ml-project-ml-staging",
}
AZURE_ENDPOINT = (
    "my-ml-project-stg-"
    + hashlib.sha256(
        b"/subscriptions/00000000-1111-2222-3333-444444444444/resourcegroups/my-ml-project"
        b"/providers/microsoft.machinelearningservices/workspaces/my-ml-project-ml-staging"
        b"/onlineendpoints/my-ml-project-staging"
    ).hexdigest()[:8]
)


def vertex_endpoint(project: str, display_name: str) -> str:
    """The id Terraform gives a Vertex AI endpoint (serving.tf): the first 8 hex digits of
    the sha256 of ``<project>/<display name>``, as a number, into 9 digits with no leading
    zero (100000000 + number % 900000000), as Vertex AI requires of a numeric id."""
    number = int(hashlib.sha256(f"{project}/{display_name}".encode()).hexdigest()[:8], 16)
    return str(100_000_000 + number % 900_000_000)


GOOD = {"outputs": [{"name": "probability", "shape": [1], "datatype": "FP64", "data": [0.3]}]}
# Where the serving container finds the model, per cloud (Vertex AI: $AIP_STORAGE_URI);
# the container's environment also holds MODEL_VERSION, the pinned md5.
CONTAINER_ENV = {
    "aws": {"MLSERVER_MODEL_URI": "/opt/ml/model/model.joblib"},
    "azure": {"MLSERVER_MODEL_URI": "/var/azureml-app/model/model.joblib"},
    "gcp": {},
}


def release_id(
    md5: str, image: str, instance_type: str, cloud: str, *, count: int = 1, capture: int = 100
) -> str:
    """The release id the generated deploy names its resources with: the first 12 hex
    digits of the sha256 of model, image and deploy settings as canonical JSON."""
    identity = {
        "md5": md5,
        "image": image,
        "instance_type": instance_type,
        "instance_count": count,
        "capture_percent": capture,
        "env": {**CONTAINER_ENV[cloud], "MODEL_VERSION": md5},
    }
    text = json.dumps(identity, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def import_generated(repo: Path, module: str, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """``<pkg>.managed.<module>`` of the rendered ``repo``, imported in-process, with the
    working directory in ``repo`` (call ``forget()`` afterwards)."""
    monkeypatch.chdir(repo)
    monkeypatch.syspath_prepend(str(repo / "src"))
    forget()
    __import__(f"{PACKAGE}.managed.{module}")
    return sys.modules[f"{PACKAGE}.managed.{module}"]


def forget() -> None:
    """Drop the generated package from ``sys.modules`` (the next import is fresh)."""
    for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
        del sys.modules[name]


def pin(storage_uri: str, image: str = IMAGE) -> None:
    """deploy/staging.yaml naming ``MODEL`` at ``storage_uri`` served by ``image`` (the
    working directory's repo)."""
    body = {
        "environment": "staging",
        "model": {"path": "models/model.joblib", "md5": MD5, "storage_uri": storage_uri},
        "serving_image": image,
    }
    Path("deploy/staging.yaml").write_text(yaml.safe_dump(body), encoding="utf-8")


@dataclass
class Answer:
    """What ``requests.Response`` offers the code: status, JSON, text, headers, content."""

    body: Any = None
    status_code: int = 200
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return self.body

    @property
    def content(self) -> bytes:
        return json.dumps(self.body).encode()

    @property
    def text(self) -> str:
        return json.dumps(self.body)


@dataclass
class Session:
    """An ``AuthorizedSession`` whose answers come from ``route(method, url)``."""

    route: Callable[[str, str], Answer]
    calls: list[tuple[Any, ...]] = field(default_factory=list)

    def request(self, method: str, url: str, **kwargs: Any) -> Answer:
        self.calls.append((method, url, kwargs.get("json"), kwargs.get("params")))
        return self.route(method, url)


@dataclass
class Blobs:
    """A storage client (google-cloud-storage or azure-storage-blob shape) over a dict."""

    objects: dict[str, bytes]

    def bucket(self, name: str) -> Blobs:
        return _Prefixed(self, name)  # type: ignore[return-value]

    def get_blob_client(self, container: str, blob: str) -> _Blob:
        return _Blob(self, f"{container}/{blob}")


@dataclass
class _Prefixed:
    store: Blobs
    name: str

    def blob(self, key: str) -> _Blob:
        return _Blob(self.store, f"{self.name}/{key}")


@dataclass
class _Blob:
    store: Blobs
    key: str

    def download_as_bytes(self) -> bytes:
        return self.store.objects[self.key]

    def upload_from_string(self, payload: bytes) -> None:
        self.store.objects[self.key] = payload

    def download_blob(self) -> _Blob:
        return self

    def readall(self) -> bytes:
        return self.store.objects[self.key]


@dataclass
class Az:
    """The ``az`` CLI: stdout per command prefix (a callable may raise, as a failing az)."""

    answers: list[tuple[tuple[str, ...], Any]]
    calls: list[list[str]] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)

    def __call__(self, args: Sequence[str]) -> str:
        argv = list(args)
        self.calls.append(argv)
        for flag in ("--file", "--request-file"):
            if flag in argv:
                path = argv[argv.index(flag) + 1]
                self.files[Path(path).name] = Path(path).read_text(encoding="utf-8")
        for prefix, answer in self.answers:
            if tuple(argv[: len(prefix)]) == prefix:
                value = answer(argv) if callable(answer) else answer
                return value if isinstance(value, str) else json.dumps(value)
        return ""
