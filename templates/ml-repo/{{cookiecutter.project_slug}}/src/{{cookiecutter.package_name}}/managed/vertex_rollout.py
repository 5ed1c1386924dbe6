"""The Vertex AI rollout: deploy at 0%, smoke the same Model on a smoke endpoint of its own,
all traffic to the new model, undeploy the old, then delete this repository's Models of
the endpoint that nothing serves."""

from __future__ import annotations

from typing import Any

from {{ cookiecutter.package_name }} import serving

from .common import DeployError, Release, fit, log
from .vertex import (
    DISPLAY_LIMIT,
    SMOKE_SUFFIX,
    Api,
    endpoint,
    owned_filter,
    ownership,
    smoke,
    upload_model,
)


def deploy(release: Release, vertex: Api) -> str:
    """Roll ``release`` out to its endpoint; what happened, as one line."""
    found = endpoint(release, vertex)
    name = str(found["name"])
    old = [dict(d) for d in found.get("deployedModels") or []]
    split = {str(k): int(v) for k, v in (found.get("trafficSplit") or {}).items()}
    if [d.get("displayName") for d in old] == [release.version]:
        return f"{release.endpoint} already serves {release.version}"
    model = upload_model(release, vertex, serving.SERVICE)
    new_id = deploy_model(release, vertex, name, model, split)
    try:
        if split:  # the endpoint serves: its traffic stays where it is until the smoke passed
            smoke_apart(release, vertex, model)
        else:  # nothing served yet: the new model is the endpoint's only one
            smoke(release, vertex, name, new_id)
    except DeployError:
        log(f"smoke request failed: {release.endpoint} keeps {split or 'nothing'}")
        undeploy(vertex, name, new_id)
        clean_up(release, vertex)
        raise
    set_traffic(vertex, name, {new_id: 100})
    for deployed in old:
        undeploy(vertex, name, str(deployed["id"]))
        log(f"undeployed {deployed.get('displayName')}")
    clean_up(release, vertex)
    return f"{release.endpoint} serves {release.version}"


def smoke_apart(release: Release, vertex: Api, model: str) -> None:
    """``model`` alone on a new smoke endpoint, one smoke request to it, and the smoke
    endpoint deleted whatever happened (leftovers of an interrupted run first)."""
    display = fit(f"{release.endpoint}{SMOKE_SUFFIX}", DISPLAY_LIMIT)
    listed = vertex.call("GET", "endpoints", filter=f'display_name="{display}"')
    for leftover in listed.get("endpoints") or []:
        delete_endpoint(vertex, str(leftover["name"]))
    body = {"displayName": display, "labels": ownership(release)}  # no request logging
    name = str(vertex.wait(vertex.call("POST", "endpoints", body))["name"])
    try:
        deployed = deploy_model(release, vertex, name, model, {})
        smoke(release, vertex, name, deployed)
    finally:
        delete_endpoint(vertex, name)


def delete_endpoint(vertex: Api, name: str) -> None:
    """Undeploy every model of endpoint ``name`` (Vertex deletes only an empty one), delete it."""
    for deployed in vertex.call("GET", name).get("deployedModels") or []:
        undeploy(vertex, name, str(deployed["id"]))
    vertex.wait(vertex.call("DELETE", name))


def deploy_model(
    release: Release, vertex: Api, name: str, model: str, split: dict[str, int]
) -> str:
    """Deploy ``model`` to the endpoint at 0% (100% on an empty endpoint); its deployed id."""
    deployed = {
        "model": model,
        "displayName": release.version,
        "dedicatedResources": {
            "machineSpec": {"machineType": release.instance_type},
            "minReplicaCount": 1,
            "maxReplicaCount": 1,
        },
    }
    body = {"deployedModel": deployed, "trafficSplit": {"0": 0 if split else 100, **split}}
    done = vertex.wait(vertex.call("POST", f"{name}:deployModel", body))
    return str(done["deployedModel"]["id"])


def set_traffic(vertex: Api, name: str, split: dict[str, int]) -> None:
    """PATCH the endpoint's split (synchronous: it answers the updated Endpoint)."""
    vertex.call("PATCH", name, {"trafficSplit": split}, updateMask="traffic_split")


def undeploy(vertex: Api, name: str, deployed_id: str) -> None:
    """Undeploy one deployed model from the endpoint (its Model resource stays)."""
    body = {"deployedModelId": deployed_id}
    vertex.wait(vertex.call("POST", f"{name}:undeployModel", body))


def clean_up(release: Release, vertex: Api) -> None:
    """Delete this repository's Models of this endpoint that no endpoint serves."""
    for model in owned_models(release, vertex):
        if not model.get("deployedModels"):
            vertex.wait(vertex.call("DELETE", str(model["name"])))
            log(f"deleted model {model.get('displayName')}")


def owned_models(release: Release, vertex: Api) -> list[dict[str, Any]]:
    """Every Model with this repository's labels for this endpoint (all pages; the labels
    are checked again here, whatever the filter matched)."""
    found: list[dict[str, Any]] = []
    params = {"filter": owned_filter(release)}
    while True:
        page = vertex.call("GET", "models", **params)
        found += [dict(m) for m in page.get("models") or []]
        if not page.get("nextPageToken"):
            break
        params["pageToken"] = str(page["nextPageToken"])
    labels = ownership(release).items()
    return [m for m in found if labels <= (m.get("labels") or {}).items()]
