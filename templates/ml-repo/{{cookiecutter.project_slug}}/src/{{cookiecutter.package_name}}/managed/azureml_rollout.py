"""The Azure ML rollout: a deployment at 0%, a smoke request to it, all traffic, delete the old."""

from __future__ import annotations

from typing import Any

from .azureml import (
    Workspace,
    deployment_name,
    deployment_spec,
    endpoint_spec,
    register_model,
    runs_as,
    smoke,
    write_spec,
)
from .common import DeployError, Release, log


def deploy(release: Release, ws: Workspace) -> str:
    """Roll ``release`` out to its endpoint; what happened, as one line. Each step is judged
    by what Azure ML then reports: a deployment left Failed, or a traffic update that did
    not take effect, deletes the new deployment, puts the traffic back and fails."""
    new = deployment_name(release)
    traffic = shares(endpoint(release, ws))
    if traffic.get(new) == 100:
        delete_others(release, ws, new)
        return f"{release.endpoint} already serves {new}"
    if new in deployments(release, ws):
        delete(release, ws, new)  # a leftover of a failed run, without traffic
    spec = write_spec(ws, deployment_spec(release, register_model(release, ws), ws.datastore))
    step = "the deployment"
    try:
        ws.run(["ml", "online-deployment", "create", "--file", str(spec)])  # 0% of the traffic
        succeeded(release, ws, new)
        step = "smoke request"
        smoke(release, ws)
    except DeployError:
        log(f"{step} failed: deleting {new}; the traffic stays {written(traffic)}")
        delete_quietly(release, ws, new)
        raise
    move_traffic(release, ws, new, traffic)
    delete_others(release, ws, new)
    return f"{release.endpoint} serves {new}"


def shares(found: Any) -> dict[str, int]:
    """The endpoint's traffic, deployments at 0% left out."""
    traffic = (found or {}).get("traffic") or {}
    return {str(k): int(v) for k, v in traffic.items() if int(v)}


def written(traffic: dict[str, int]) -> str:
    return " ".join(f"{k}={v}" for k, v in sorted(traffic.items())) or "empty"


def succeeded(release: Release, ws: Workspace, name: str) -> None:
    """A DeployError unless the deployment ``name`` is Succeeded, as Azure ML reports it."""
    found = ws.json(
        "ml", "online-deployment", "show", "--name", name, "--endpoint-name", release.endpoint
    )
    state = (found or {}).get("provisioning_state")
    if state != "Succeeded":
        raise DeployError(f"deployment {name} is {state} after its creation, expected Succeeded")


def move_traffic(release: Release, ws: Workspace, new: str, traffic: dict[str, int]) -> None:
    """All traffic to ``new``, as the endpoint reports it afterwards; otherwise the old
    traffic back, ``new`` deleted, and a DeployError naming expected and actual."""
    names = sorted({*traffic, new})
    try:
        update_traffic(release, ws, {name: 100 if name == new else 0 for name in names})
        actual = shares(ws.json("ml", "online-endpoint", "show", "--name", release.endpoint))
    except DeployError as error:
        roll_back(release, ws, new, traffic)
        raise DeployError(
            f"the traffic update failed: {error}; rolled back to {written(traffic)}"
        ) from None
    if actual != {new: 100}:
        roll_back(release, ws, new, traffic)
        raise DeployError(
            f"{release.endpoint}: traffic {written(actual)} after the update, expected"
            f" {new}=100; rolled back to {written(traffic)}"
        )


def update_traffic(release: Release, ws: Workspace, traffic: dict[str, int]) -> None:
    given = " ".join(f"{name}={value}" for name, value in sorted(traffic.items()))
    ws.run(["ml", "online-endpoint", "update", "--name", release.endpoint, "--traffic", given])


def roll_back(release: Release, ws: Workspace, new: str, traffic: dict[str, int]) -> None:
    """The old traffic again (``new`` at 0) and ``new`` deleted."""
    log(f"rolling {release.endpoint} back to {written(traffic)}")
    try:
        update_traffic(release, ws, {**traffic, new: 0})
    except DeployError as error:
        log(f"could not roll {release.endpoint} back to {written(traffic)}: {error}")
    delete_quietly(release, ws, new)


def endpoint(release: Release, ws: Workspace) -> dict[str, Any]:
    """The online endpoint, created (key auth, the endpoint identity) if it does not exist
    yet; one that runs as another identity is refused (its collector could not write)."""
    try:
        found = dict(ws.json("ml", "online-endpoint", "show", "--name", release.endpoint))
    except DeployError:
        spec = write_spec(ws, endpoint_spec(release, ws.identity), "endpoint.yml")
        return dict(ws.json("ml", "online-endpoint", "create", "--file", str(spec)))
    if not runs_as(found, ws.identity):
        raise DeployError(
            f"endpoint {release.endpoint} does not run as {ws.identity}"
            " (AZUREML_ENDPOINT_IDENTITY), the identity allowed to write its data capture;"
            " delete the endpoint and deploy again to recreate it with that identity"
        )
    return found


def deployments(release: Release, ws: Workspace) -> list[str]:
    found = ws.json("ml", "online-deployment", "list", "--endpoint-name", release.endpoint)
    return [str(d["name"]) for d in found or []]


def delete(release: Release, ws: Workspace, name: str) -> None:
    ws.run([
        "ml", "online-deployment", "delete", "--name", name,
        "--endpoint-name", release.endpoint, "--yes",
    ])  # fmt: skip


def delete_quietly(release: Release, ws: Workspace, name: str) -> None:
    """Delete ``name`` after a failure; a failing delete is logged, never hides the failure."""
    try:
        delete(release, ws, name)
    except DeployError as error:
        log(f"could not delete {name}: {error}")


def delete_others(release: Release, ws: Workspace, keep: str) -> None:
    """Delete every deployment of the endpoint but ``keep`` (they hold no traffic now)."""
    for name in deployments(release, ws):
        if name != keep:
            delete(release, ws, name)
            log(f"deleted deployment {name}")
