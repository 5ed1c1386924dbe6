"""Vertex AI display names need not be unique in a project, so managed CD finds its
environment's endpoint by the id Terraform gave it (serving.tf), never by its name: an
endpoint of another repository, or one made by hand, with the same display name is never
picked, and a missing or misnamed endpoint is refused with what to do."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.cdct.conftest import Render, copy_repo
from tests.cdct.managed_fakes import (
    MD5,
    Answer,
    Session,
    forget,
    import_generated,
    pin,
    vertex_endpoint,
)

pytestmark = pytest.mark.slow
HOST = "https://us-central1-aiplatform.googleapis.com/v1"
LOCATION = "projects/p/locations/us-central1"
OURS = f"{LOCATION}/endpoints/{vertex_endpoint('p', 'my-ml-project-staging')}"
LOGGING = {"enabled": True, "samplingRate": 1.0, "bigqueryDestination": {"outputUri": "bq://p"}}


@pytest.fixture
def vertex(render: Render, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """``managed/vertex.py`` of a fresh GCP managed repository, staging pinned."""
    repo = copy_repo(render(cloud="gcp", deploy_target="managed"), tmp_path / "repo")
    module = import_generated(repo, "vertex", monkeypatch)
    pin(f"gs://my-ml-project-dvc/files/md5/{MD5[:2]}/{MD5[2:]}")
    yield module
    forget()


def found(vertex: ModuleType, endpoints: dict[str, dict[str, Any]]) -> tuple[Any, Session]:
    """``vertex.endpoint()`` of staging's release in a project holding ``endpoints``."""
    common = __import__("my_ml_project.managed.common", fromlist=["release"])

    def route(method: str, url: str) -> Answer:
        name = url.removeprefix(f"{HOST}/")
        if method == "GET" and name in endpoints:
            return Answer(endpoints[name])
        if method == "GET":
            return Answer({"error": {"code": 404, "status": "NOT_FOUND"}}, 404)
        return Answer({"name": name})

    session = Session(route)
    api = vertex.Api(session, "p", "us-central1", poll_seconds=0)
    return vertex.endpoint(common.release("staging", {}), api), session


def test_the_endpoint_is_terraforms_by_id_whatever_else_has_its_name(vertex: ModuleType) -> None:
    same_name = {"displayName": "my-ml-project-staging", "deployedModels": [{"id": "9"}]}
    endpoints = {
        f"{LOCATION}/endpoints/1": {"name": f"{LOCATION}/endpoints/1", **same_name},
        OURS: {
            "name": OURS,
            "displayName": "my-ml-project-staging",
            "predictRequestResponseLoggingConfig": LOGGING,
        },
        f"{LOCATION}/endpoints/2": {"name": f"{LOCATION}/endpoints/2", **same_name},
    }
    endpoint, session = found(vertex, endpoints)
    assert endpoint["name"] == OURS
    assert session.calls == [("GET", f"{HOST}/{OURS}", None, None)]  # no listing by name


def test_the_id_is_the_one_terraform_gives(vertex: ModuleType) -> None:
    assert vertex.endpoint_id("p", "my-ml-project-staging") == OURS.rsplit("/", 1)[1]
    assert vertex.endpoint_id("other-project", "my-ml-project-staging") != OURS.rsplit("/", 1)[1]


def test_a_missing_endpoint_is_refused_not_created(vertex: ModuleType) -> None:
    common = __import__("my_ml_project.managed.common", fromlist=["DeployError"])
    with pytest.raises(common.DeployError) as refused:
        found(vertex, {})
    name = OURS.removeprefix(f"{LOCATION}/")
    assert str(refused.value) == (
        f"no endpoint my-ml-project-staging ({name}; `terraform apply` creates it): GET"
        f' {HOST}/{LOCATION}/{name}: 404 {{"error": {{"code": 404, "status": "NOT_FOUND"}}}}'
    )


def test_an_endpoint_named_otherwise_at_its_id_is_refused(vertex: ModuleType) -> None:
    common = __import__("my_ml_project.managed.common", fromlist=["DeployError"])
    with pytest.raises(common.DeployError) as refused:
        found(vertex, {OURS: {"name": OURS, "displayName": "someone-elses"}})
    name = OURS.removeprefix(f"{LOCATION}/")
    assert str(refused.value) == (
        f"{name} is 'someone-elses', not 'my-ml-project-staging': not this environment's endpoint"
    )
