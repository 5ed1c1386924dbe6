"""Azure ML, through the ``az ml`` CLI that ``azure/login`` signed in with OIDC.

A new online deployment (``m-<release 12>``: a new model, serving image or deploy setting
makes a new release, ``common.Release.identity``) is created beside the served one with no
traffic, a smoke request goes to it by ``--deployment-name``, then the endpoint's
traffic moves to it and the deployments it replaced are deleted; a failing smoke
request deletes the new deployment and leaves the traffic as it was. Each step counts
once Azure ML reports it: a deployment that is not Succeeded after its creation (or whose
creation failed after it was made) is deleted, and a traffic update that the endpoint does
not then report puts the old traffic back, deletes the new deployment and fails with
expected and actual traffic. The model comes
from the DVC remote through azure-storage-blob with ``DefaultAzureCredential`` (never
an anonymous https download). The deployment's data collector writes requests and
responses to ``<remote path>/monitoring/azureml/<env>/`` in the DVC container, through
the workspace datastore named by ``AZUREML_MONITORING_DATASTORE``; the smoke request's
body carries its marker as the v2 request ``id``, which the collector records. The collector writes
as the *endpoint's* identity, so the endpoint runs as the user-assigned identity that
``AZUREML_ENDPOINT_IDENTITY`` names (its resource id): the one that Terraform lets
write that folder. An endpoint that runs as another identity is refused, never used.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from {{ cookiecutter.package_name }} import serving

from . import storage
from .common import (
    MODEL_DIR,
    MODEL_FILE,
    DeployError,
    Release,
    check_answer,
    smoke_request,
    verify,
)

Runner = Callable[[Sequence[str]], str]


def az(args: Sequence[str]) -> str:
    """Run ``az`` and return its stdout; a DeployError with its stderr when it fails."""
    done = subprocess.run(["az", *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise DeployError(f"az {' '.join(args[:3])}: {done.stderr.strip()[-800:]}")
    return done.stdout


@dataclass
class Workspace:
    """The ``az`` runner, the monitoring datastore, the endpoint's identity (a resource
    id), a scratch folder and (for tests) a blob client."""

    run: Runner
    datastore: str
    identity: str
    work: Path
    blob: Any = None

    def json(self, *args: str) -> Any:
        out = self.run([*args, "--output", "json"])
        return json.loads(out) if out.strip() else None


def deployment_name(release: Release) -> str:
    return f"m-{release.release_id}"


def register_model(release: Release, ws: Workspace) -> str:
    """Fetch and check the pinned model, register it (tag md5); its ``azureml:`` id."""
    found = ws.json(
        "ml", "model", "list", "--name", release.endpoint,
        "--query", f"[?tags.md5=='{release.md5}'].version | [0]",
    )  # fmt: skip
    if found:
        return f"azureml:{release.endpoint}:{found}"
    path = ws.work / MODEL_FILE
    path.write_bytes(verify(storage.read(release.storage_uri, ws.blob), release.md5))
    made = ws.json(
        "ml", "model", "create", "--name", release.endpoint, "--type", "custom_model",
        "--path", str(path), "--tags", f"md5={release.md5}",
    )  # fmt: skip
    return f"azureml:{release.endpoint}:{made['version']}"


def collector_folder(release: Release) -> str:
    """Where the collector writes, in the DVC container: the remote's own path (if any),
    then ``monitoring/azureml/<env>/<endpoint>`` (Terraform lets it write under
    ``monitoring/azureml/``)."""
    _, _, path = storage.split(f"{release.capture_folder('azureml')}/{release.endpoint}")
    return path


def endpoint_spec(release: Release, identity: str) -> dict[str, Any]:
    """The online endpoint's YAML (schema managedOnlineEndpoint): key auth, running as
    ``identity``, the user-assigned identity the data collector writes as."""
    return {
        "$schema": "https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json",
        "name": release.endpoint,
        "auth_mode": "key",
        "identity": {"type": "user_assigned", "user_assigned_identities": [{"resource_id": identity}]},
    }  # fmt: skip


def runs_as(found: dict[str, Any], identity: str) -> bool:
    """Whether an endpoint (``az ml online-endpoint show``) runs as ``identity``."""
    assigned = (found.get("identity") or {}).get("user_assigned_identities") or []
    ids = {str(item.get("resource_id", "")).lower() for item in assigned if isinstance(item, dict)}
    return identity.lower() in ids


def deployment_spec(release: Release, model: str, datastore: str) -> dict[str, Any]:
    """The online deployment's YAML (schema managedOnlineDeployment) as a mapping."""
    route = f"/v2/models/{serving.SERVICE}/infer"
    collect = f"azureml://datastores/{datastore}/paths/{collector_folder(release)}"
    rate = max(0, min(100, release.capture_percent)) / 100
    spec: dict[str, Any] = {
        "$schema": "https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json",
        "name": deployment_name(release),
        "endpoint_name": release.endpoint,
        "model": model,
        "model_mount_path": MODEL_DIR,  # where a custom container gets the model
        "environment_variables": release.container_env,
        "environment": {
            "image": release.image,
            "inference_config": {
                "liveness_route": {"path": "/v2/health/live", "port": 8080},
                "readiness_route": {"path": "/v2/health/ready", "port": 8080},
                "scoring_route": {"path": route, "port": 8080},
            },
        },
        "instance_type": release.instance_type,
        "instance_count": release.instance_count,
    }
    if rate > 0:
        spec["data_collector"] = {
            "sampling_rate": rate,
            "collections": {
                kind: {"enabled": "True", "data": {"name": f"{release.endpoint}-{kind}",
                                                    "path": f"{collect}/{kind}"}}
                for kind in ("request", "response")
            },
        }  # fmt: skip
    return spec


def write_spec(ws: Workspace, spec: dict[str, Any], name: str = "deployment.yml") -> Path:
    path = ws.work / name
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


def smoke(release: Release, ws: Workspace) -> None:
    request = ws.work / "smoke.json"
    request.write_bytes(smoke_request(release.n_features, release.smoke_id))
    try:
        answer = ws.run([
            "ml", "online-endpoint", "invoke", "--name", release.endpoint,
            "--deployment-name", deployment_name(release), "--request-file", str(request),
        ])  # fmt: skip
    except DeployError as error:
        raise DeployError(f"the smoke request failed: {error}") from None
    # the CLI prints the answer as a JSON string holding the body
    body = json.loads(answer) if answer.strip().startswith('"') else answer
    check_answer(body)
