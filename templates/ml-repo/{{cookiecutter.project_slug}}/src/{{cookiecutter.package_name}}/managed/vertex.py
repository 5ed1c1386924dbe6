"""Vertex AI, through its REST API with the workflow's workload identity.

The serving endpoint is the one Terraform made for the environment, found by the id it
gave it (``endpoint_id()``; display names need not be unique in a project), never
created here. A new release (a new model, serving image or deploy setting:
``common.Release.identity``; its deployed model's display name ends in the release id) is
deployed at 0% of the serving endpoint's traffic. A public Vertex endpoint
routes ``:predict`` and ``:rawPredict`` by its traffic split alone (v1 has no deployed
model id on either request; only ``:explain`` and the preview ``invoke`` on dedicated
endpoints take one), so no request can reach a 0% model there: the smoke request goes to
the same Model deployed alone on the environment's smoke endpoint (``<endpoint>-smoke``,
which Terraform made too, with no request logging, so smoke requests never reach the drift
monitor's capture), and must be answered by that deployed model (the
``X-Vertex-AI-Deployed-Model-Id`` header). The model is undeployed from the smoke endpoint
whatever happened (the endpoint stays, empty; it costs nothing). A failing answer undeploys the new model
from the serving endpoint, whose traffic never moved; a good one moves all traffic to it
and undeploys the models it replaced. Then it deletes the Model resources that this
repository uploaded for this endpoint (labels ``deployed-by`` and ``endpoint``, set at
upload) and that no endpoint serves any more; a Model of anyone else, whatever its name,
is never deleted.
Each step counts once the endpoint reports it, not when Vertex accepts the call: a
deployModel operation that ends in an error deletes the uploaded Model, and a traffic
update that the endpoint does not then report (all traffic on the new model) puts the
old split back, undeploys the new model and fails with expected and actual split.
Request-response logging (BigQuery, the only sink Vertex offers) follows
``monitoring.capture_percent``.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from typing import Any

from {{ cookiecutter.package_name }} import serving

from . import storage
from .common import MODEL_FILE, DeployError, Release, check_answer, fit, smoke_request, verify

SMOKE_SUFFIX = "-smoke"  # the smoke endpoint's display name, after the serving one's
DISPLAY_LIMIT = 128  # characters of an endpoint's display name
DEPLOYED_MODEL_HEADER = "X-Vertex-AI-Deployed-Model-Id"
OWNER_LABEL = "deployed-by"  # the repository's slug
ENDPOINT_LABEL = "endpoint"  # the endpoint's display name
LABEL_LIMIT = 63
ENDPOINT_ID_LOW = 100_000_000  # numeric endpoint ids: 9 digits, the first not 0
ENDPOINT_ID_HIGH = 1_000_000_000


@dataclass
class Api:
    """An authorised HTTP session (google-auth's ``AuthorizedSession``) and the location."""

    session: Any
    project: str
    region: str
    poll_seconds: float = 15.0
    gcs: Any = field(default=None)

    @property
    def host(self) -> str:
        return f"https://{self.region}-aiplatform.googleapis.com/v1"

    def url(self, path: str) -> str:
        """``path`` under the location, or a full resource name (``projects/...``)."""
        if path.startswith("projects/"):
            return f"{self.host}/{path}"
        return f"{self.host}/projects/{self.project}/locations/{self.region}/{path}"

    def call(self, method: str, path: str, body: Any = None, **params: str) -> dict[str, Any]:
        full = self.url(path)
        answer = self.session.request(method, full, json=body, params=params or None)
        if answer.status_code >= 400:
            raise DeployError(f"{method} {full}: {answer.status_code} {answer.text[:500]}")
        return dict(answer.json() or {})

    def wait(self, operation: dict[str, Any]) -> dict[str, Any]:
        """The response of a long-running operation, once done."""
        while not operation.get("done"):
            time.sleep(self.poll_seconds)
            operation = self.call("GET", operation["name"])
        if "error" in operation:
            raise DeployError(f"{operation['name']}: {operation['error']}")
        return dict(operation.get("response") or {})


def api(project: str, region: str) -> Api:
    import google.auth
    from google.auth.transport.requests import AuthorizedSession

    credentials, _ = google.auth.default(scopes=["https://www.googleapis.com/auth/cloud-platform"])
    return Api(AuthorizedSession(credentials), project, region)


def logging_config(release: Release, project: str) -> dict[str, Any]:
    """``predictRequestResponseLoggingConfig``: a project-only URI lets Vertex make the table."""
    return {
        "enabled": release.capture_percent > 0,
        "samplingRate": max(0, min(100, release.capture_percent)) / 100,
        "bigqueryDestination": {"outputUri": f"bq://{project}"},
    }


def ownership(release: Release) -> dict[str, str]:
    """The labels that mark a Model as this repository's, for this endpoint: clean-up
    deletes only Models that carry both (label values: at most 63 characters)."""
    return {
        OWNER_LABEL: fit(serving.SERVICE, LABEL_LIMIT),
        ENDPOINT_LABEL: fit(release.endpoint.lower(), LABEL_LIMIT),
    }


def owned_filter(release: Release) -> str:
    """The ``models`` list filter for this repository's Models of this endpoint."""
    return " AND ".join(f'labels.{key}="{value}"' for key, value in ownership(release).items())


def upload_model(release: Release, vertex: Api, model_name: str) -> str:
    """Fetch, check and stage the pinned model; upload it as a Vertex Model; its name."""
    payload = verify(storage.read(release.storage_uri, vertex.gcs), release.md5)
    storage.write(f"{release.serving_prefix}/{MODEL_FILE}", payload, vertex.gcs)
    container = {
        "imageUri": release.image,
        "predictRoute": f"/v2/models/{model_name}/infer",
        "healthRoute": "/v2/health/ready",
        "ports": [{"containerPort": 8080}],
        # No MLSERVER_MODEL_URI: the server downloads $AIP_STORAGE_URI (serve/fetch_model.py).
        "env": [{"name": key, "value": value} for key, value in release.container_env.items()],
    }
    model = {
        "displayName": release.version,
        "artifactUri": release.serving_prefix,
        "containerSpec": container,
        "labels": {"md5": release.md5, **ownership(release)},
    }
    done = vertex.wait(vertex.call("POST", "models:upload", {"model": model}))
    return str(done["model"])


def endpoint_id(project: str, display_name: str) -> str:
    """The id Terraform gives an endpoint (terraform/serving.tf, google_vertex_ai_endpoint):
    the first 8 hex digits of the sha256 of ``<project>/<display name>``, as a number, put
    into 9 digits with no leading zero, as the Vertex AI API requires of a numeric endpoint
    id (CreateEndpointRequest.endpoint_id: at most 9 digits; older docs say 10)."""
    digest = hashlib.sha256(f"{project}/{display_name}".encode()).hexdigest()
    return str(ENDPOINT_ID_LOW + int(digest[:8], 16) % (ENDPOINT_ID_HIGH - ENDPOINT_ID_LOW))


def terraform_endpoint(vertex: Api, display_name: str) -> dict[str, Any]:
    """The endpoint Terraform made with ``display_name`` (serving.tf), by the id it gave it
    (display names need not be unique in a project, so a name could find another's). One
    that is missing, or named otherwise, is refused: Terraform creates it, grants this
    deploy identity on it alone and, for the serving endpoint, names its log after its id."""
    name = f"endpoints/{endpoint_id(vertex.project, display_name)}"
    try:
        found = vertex.call("GET", name)
    except DeployError as error:
        raise DeployError(
            f"no endpoint {display_name} ({name}; `terraform apply` creates it): {error}"
        ) from None
    if found.get("displayName") != display_name:
        raise DeployError(
            f"{name} is {found.get('displayName')!r}, not {display_name!r}: not this"
            " environment's endpoint"
        )
    return found


def endpoint(release: Release, vertex: Api) -> dict[str, Any]:
    """This environment's serving endpoint (``terraform_endpoint``), its request logging set
    to ``monitoring.capture_percent``."""
    current = terraform_endpoint(vertex, release.endpoint)
    config = logging_config(release, vertex.project)
    if current.get("predictRequestResponseLoggingConfig") != config:
        body = {"predictRequestResponseLoggingConfig": config}
        mask = "predict_request_response_logging_config"
        vertex.call("PATCH", str(current["name"]), body, updateMask=mask)
    return current


def smoke(release: Release, vertex: Api, name: str, deployed_id: str) -> None:
    """One request through ``:rawPredict`` of an endpoint that serves ``deployed_id`` alone;
    a DeployError unless that deployed model gives a good answer."""
    answer = vertex.session.request(
        "POST", vertex.url(f"{name}:rawPredict"), data=smoke_request(release.n_features, release.smoke_id),
        headers={"Content-Type": "application/json"},
    )  # fmt: skip
    if answer.status_code >= 400:
        raise DeployError(f"the smoke request failed: {answer.status_code} {answer.text[:500]}")
    served = answer.headers.get(DEPLOYED_MODEL_HEADER)
    if served != deployed_id:
        raise DeployError(f"the smoke request was answered by {served}, not {deployed_id}")
    check_answer(answer.content)
