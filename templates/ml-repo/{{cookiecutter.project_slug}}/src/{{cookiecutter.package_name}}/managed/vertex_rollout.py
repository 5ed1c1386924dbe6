"""The Vertex AI rollout: deploy at 0%, canary share and smoke, all traffic, undeploy the old,
then delete this repository's Models of the endpoint that nothing serves."""

from __future__ import annotations

from typing import Any

from {{ cookiecutter.package_name }} import serving

from .common import DeployError, Release, log
from .vertex import CANARY_PERCENT, Api, endpoint, owned_filter, ownership, smoke, upload_model


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
        if split:
            set_traffic(vertex, name, canary_split(split, new_id))
        smoke(release, vertex, name, new_id)
    except DeployError:
        log(f"smoke request failed: {release.endpoint} goes back to {split or 'nothing'}")
        if split:
            set_traffic(vertex, name, split)
        undeploy(vertex, name, new_id)
        clean_up(release, vertex)
        raise
    set_traffic(vertex, name, {new_id: 100})
    for deployed in old:
        undeploy(vertex, name, str(deployed["id"]))
        log(f"undeployed {deployed.get('displayName')}")
    clean_up(release, vertex)
    return f"{release.endpoint} serves {release.version}"


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


def canary_split(split: dict[str, int], new_id: str) -> dict[str, int]:
    """``CANARY_PERCENT`` to the new model, the rest to the old model with the largest share."""
    largest = max(split, key=lambda key: (split[key], key))
    return {**{key: 0 for key in split}, largest: 100 - CANARY_PERCENT, new_id: CANARY_PERCENT}


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
