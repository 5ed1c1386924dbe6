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
    terraform_endpoint,
    upload_model,
)


def deploy(release: Release, vertex: Api) -> str:
    """Roll ``release`` out to its endpoint; what happened, as one line. Each step is judged
    by what the endpoint then reports, not by the call's answer: a deployment or traffic
    update that Vertex accepted and that did not take effect rolls back and fails."""
    found = endpoint(release, vertex)
    name = str(found["name"])
    old = [dict(d) for d in found.get("deployedModels") or []]
    split = {str(k): int(v) for k, v in (found.get("trafficSplit") or {}).items() if int(v)}
    if [d.get("displayName") for d in old] == [release.version]:
        return f"{release.endpoint} already serves {release.version}"
    model = upload_model(release, vertex, serving.SERVICE)
    try:
        new_id = deploy_model(release, vertex, name, model, split)
    except DeployError:
        log(f"deploying {release.version} failed: {release.endpoint} keeps {split or 'nothing'}")
        clean_up(release, vertex)
        raise
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
    move_traffic(release, vertex, name, new_id, split)
    for deployed in old:
        undeploy(vertex, name, str(deployed["id"]))
        log(f"undeployed {deployed.get('displayName')}")
    clean_up(release, vertex)
    return f"{release.endpoint} serves {release.version}"


def move_traffic(
    release: Release, vertex: Api, name: str, new_id: str, split: dict[str, int]
) -> None:
    """All traffic to ``new_id``, as the endpoint reports it afterwards; otherwise the old
    split back, the new model undeployed, and a DeployError naming expected and actual."""
    want = {new_id: 100}
    try:
        set_traffic(vertex, name, want)
        actual = traffic_split(vertex, name)
    except DeployError as error:
        roll_back(release, vertex, name, new_id, split)
        raise DeployError(
            f"the traffic update failed: {error}; rolled back to {split or 'nothing'}"
        ) from None
    if actual != want:
        roll_back(release, vertex, name, new_id, split)
        raise DeployError(
            f"{release.endpoint}: traffic split {actual or 'empty'} after the update, expected"
            f" {want}; rolled back to {split or 'nothing'}"
        )


def traffic_split(vertex: Api, name: str) -> dict[str, int]:
    """The endpoint's traffic split as Vertex reports it now (deployed models at 0% left out)."""
    found = vertex.call("GET", name).get("trafficSplit") or {}
    return {str(k): int(v) for k, v in found.items() if int(v)}


def roll_back(release: Release, vertex: Api, name: str, new_id: str, split: dict[str, int]) -> None:
    """The old split again (when there was one), the new model undeployed, its Model deleted."""
    log(f"rolling {release.endpoint} back to {split or 'nothing'}")
    try:
        if split:
            set_traffic(vertex, name, split)
        undeploy(vertex, name, new_id)
    except DeployError as error:
        log(f"could not roll {release.endpoint} back to {split or 'nothing'}: {error}")
    clean_up(release, vertex)


def smoke_apart(release: Release, vertex: Api, model: str) -> None:
    """``model`` alone on this environment's smoke endpoint (Terraform's: this identity may
    create no endpoint), one smoke request to it, and every model undeployed from it again
    whatever happened (the leftovers of an interrupted run first)."""
    display = fit(f"{release.endpoint}{SMOKE_SUFFIX}", DISPLAY_LIMIT)
    found = terraform_endpoint(vertex, display)
    name = str(found["name"])
    for leftover in found.get("deployedModels") or []:
        undeploy(vertex, name, str(leftover["id"]))
    try:
        deployed = deploy_model(release, vertex, name, model, {})
        smoke(release, vertex, name, deployed)
    finally:
        clear_endpoint(vertex, name)


def clear_endpoint(vertex: Api, name: str) -> None:
    """Undeploy every model of endpoint ``name``."""
    for deployed in vertex.call("GET", name).get("deployedModels") or []:
        undeploy(vertex, name, str(deployed["id"]))


def deploy_model(
    release: Release, vertex: Api, name: str, model: str, split: dict[str, int]
) -> str:
    """Deploy ``model`` to the endpoint at 0% (100% on an empty endpoint); its deployed id."""
    deployed = {
        "model": model,
        "displayName": release.version,
        "dedicatedResources": {
            "machineSpec": {"machineType": release.instance_type},
            "minReplicaCount": release.instance_count,
            "maxReplicaCount": release.instance_count,
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
