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
    """Roll ``release`` out to its endpoint; what happened, as one line."""
    new = deployment_name(release)
    traffic = {str(k): int(v) for k, v in (endpoint(release, ws).get("traffic") or {}).items()}
    if traffic.get(new) == 100:
        delete_others(release, ws, new)
        return f"{release.endpoint} already serves {new}"
    if new in deployments(release, ws):
        delete(release, ws, new)  # a leftover of a failed run, without traffic
    spec = write_spec(ws, deployment_spec(release, register_model(release, ws), ws.datastore))
    ws.run(["ml", "online-deployment", "create", "--file", str(spec)])  # 0% of the traffic
    try:
        smoke(release, ws)
    except DeployError:
        log(f"smoke request failed: deleting {new}; the traffic stays {traffic or 'empty'}")
        delete(release, ws, new)
        raise
    shares = " ".join(f"{name}={100 if name == new else 0}" for name in sorted({*traffic, new}))
    ws.run(["ml", "online-endpoint", "update", "--name", release.endpoint, "--traffic", shares])
    delete_others(release, ws, new)
    return f"{release.endpoint} serves {new}"


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


def delete_others(release: Release, ws: Workspace, keep: str) -> None:
    """Delete every deployment of the endpoint but ``keep`` (they hold no traffic now)."""
    for name in deployments(release, ws):
        if name != keep:
            delete(release, ws, name)
            log(f"deleted deployment {name}")
