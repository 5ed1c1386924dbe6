"""What every managed deploy shares: the release to roll out, the smoke request and its check."""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from {{ cookiecutter.package_name }} import pins, serving
from {{ cookiecutter.package_name }}.capture import SMOKE_PREFIX
from {{ cookiecutter.package_name }}.params import PARAMS_FILE, load_params

FILES = "/files/md5/"
MODEL_FILE = "model.{{ 'pt' if cookiecutter.ml_framework == 'pytorch' else 'joblib' }}"
CLOUD = "{{ cookiecutter.cloud }}"
# The longest endpoint name each cloud takes: SageMaker 63 (and its model and endpoint
# config names too), Azure ML online endpoints 3 to 32, Vertex AI display names 128.
ENDPOINT_LIMIT = {"aws": 63, "azure": 32, "gcp": 128}.get(CLOUD, 63)
# An Azure ML online endpoint's name "needs to be unique at the Azure region level" (its
# scoring URI is https://<name>.<region>.inference.ml.azure.com), starts with a letter and
# has 3 to 32 letters, digits and single dashes: learn.microsoft.com/azure/machine-learning/
# reference-yaml-endpoint-online (name) and .../how-to-manage-quotas (endpoint limits).
# So it is <slug cut>-<stg|prd>-<8 hex digits of the sha256 of its would-be resource id,
# lower case>, as terraform/serving.tf's azureml_endpoints: another organisation's, or
# another clone's, endpoint of the same slug in the same region gets another name.
AZUREML_ENVIRONMENTS = {"staging": "stg", "production": "prd"}  # serving.tf's ml_suffix
AZUREML_WORKSPACE = "AZURE_SUBSCRIPTION_ID", "AZUREML_RESOURCE_GROUP", "AZUREML_WORKSPACE"
SAGEMAKER_LIMIT = 63
HASH_DIGITS = 8  # of a too-long name's sha256, after its cut (1 in 4 billion to collide)
RELEASE_DIGITS = 12  # of a release's sha256: its resources' names end in them
VERSION_SUFFIX = "-" + "0" * RELEASE_DIGITS  # "-<release 12>": a release's resources
CANARY_SUFFIX = "-canary"  # SageMaker's rollout config
# Where the cloud puts the model in the serving container, which MLSERVER_MODEL_URI names:
# SageMaker's ModelDataSource, Azure ML's model_mount_path (Vertex AI hands the server
# AIP_STORAGE_URI instead).
MODEL_DIRS = {"aws": "/opt/ml/model", "azure": "/var/azureml-app/model"}
MODEL_DIR = MODEL_DIRS.get("{{ cookiecutter.cloud }}")


NO_IMAGE = (
    "no serving_image (serve-image.yml builds the image and pins it by digest"
    " with `pins image`, in a pull request)"
)


class DeployError(RuntimeError):
    """A deploy that cannot go on; the message says why (exit code 1)."""


@dataclass(frozen=True)
class Release:
    """One pinned model to roll out to one environment's endpoint."""

    environment: str
    endpoint: str
    md5: str
    storage_uri: str
    image: str
    instance_type: str
    capture_percent: int
    n_features: int
    instance_count: int = 1

    @property
    def remote(self) -> str:
        """The DVC remote the pin's storage_uri lives in."""
        return self.storage_uri.split(FILES, 1)[0]

    @property
    def container_env(self) -> dict[str, str]:
        """The serving container's environment: where the model file is (SageMaker, Azure
        ML) and the pinned md5 (``server_env``)."""
        if MODEL_DIR:
            return self.server_env(f"{MODEL_DIR}/{MODEL_FILE}")
        return {"MODEL_VERSION": self.md5}  # Vertex AI: the server fetches $AIP_STORAGE_URI

    @property
    def identity(self) -> dict[str, Any]:
        """Everything that changes what the endpoint serves: the model, the image, and the
        deploy settings. A change of any of them is a new release, rolled out as a model is."""
        return {
            "md5": self.md5,
            "image": self.image,
            "instance_type": self.instance_type,
            "instance_count": self.instance_count,
            "capture_percent": self.capture_percent,
            "env": self.container_env,
        }

    @property
    def release_id(self) -> str:
        """The first 12 hex digits of the sha256 of :attr:`identity` (canonical JSON)."""
        text = json.dumps(self.identity, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:RELEASE_DIGITS]

    @property
    def version(self) -> str:
        """The name of this release's resources: the endpoint (cut so that the longest name,
        the ``-canary`` config, fits SageMaker's 63) and the release id."""
        room = SAGEMAKER_LIMIT - len(VERSION_SUFFIX) - len(CANARY_SUFFIX)
        return f"{fit(self.endpoint, room)}-{self.release_id}"

    @property
    def serving_prefix(self) -> str:
        """Where the verified model is staged for the endpoint (one folder per md5)."""
        return f"{self.remote}/serving/{self.md5}"

    def server_env(self, model_file: str) -> dict[str, str]:
        """The server's environment: the model file, and the pinned md5 it must have before
        it is loaded (serve/server.py refuses any other: the staged copy is in a bucket that
        more identities than this deploy can write)."""
        return {"MLSERVER_MODEL_URI": model_file, "MODEL_VERSION": self.md5}

    @property
    def monitoring(self) -> str:
        """The prefix the endpoint's data capture writes under, each sink in its own
        ``<sink>/<environment>`` folder (the drift monitor reads one environment's)."""
        return f"{self.remote}/monitoring"

    def capture_folder(self, sink: str) -> str:
        """Where ``sink`` (sagemaker, azureml) captures this environment's traffic."""
        return f"{self.monitoring}/{sink}/{self.environment}"

    @property
    def smoke_id(self) -> str:
        """The id of this release's smoke request; the drift monitor leaves it out."""
        return f"{SMOKE_PREFIX}{self.md5[:12]}"


def release(env: str, environ: Mapping[str, str], root: Path = Path()) -> Release:
    """The release of ``deploy/<env>.yaml`` with the workflow's settings (``environ``)."""
    pin = pins.current(env, root)
    model = pin.get("model")
    if not isinstance(model, dict) or FILES not in str(model.get("storage_uri", "")):
        raise DeployError(f"deploy/{env}.yaml pins no model")
    # The image is the pin's: reviewed in the pull request that set it and checked by
    # `mlrig check` (MOD006 by digest, MOD007 against the lock), never a CI variable.
    image = pin.get(serving.IMAGE_KEY)
    problem = serving.image_problem(image) if image else NO_IMAGE
    if problem:
        raise DeployError(f"deploy/{env}.yaml: {problem}")
    monitoring = _section("monitoring", root)
    endpoint = _section("endpoint", root)
    return Release(
        environment=env,
        endpoint=endpoint_name(env, environ),
        md5=str(model["md5"]),
        storage_uri=str(model["storage_uri"]),
        image=str(image),
        instance_type=environ.get("INSTANCE_TYPE") or str(endpoint.get("instance_type", "")),
        capture_percent=_whole(monitoring, "monitoring.capture_percent", 0, 0, 100),
        n_features=_whole(_section("prepare", root), "prepare.n_features", 1, 1, None),
        instance_count=_whole(endpoint, "endpoint.instance_count", 1, 1, None),
    )


def _whole(section: dict[str, Any], name: str, default: int, low: int, high: int | None) -> int:
    """The whole number ``section[<last part of name>]`` (``default`` when absent); a
    DeployError naming params.yaml when it is no whole number from ``low`` to ``high``."""
    value = section.get(name.rsplit(".", 1)[1], default)
    top = high if high is not None else value
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= top:
        upto = f" to {high}" if high is not None else " or more"
        raise DeployError(f"{PARAMS_FILE}: {name} is {value!r}, not a whole number {low}{upto}")
    return value


def endpoint_name(env: str, environ: Mapping[str, str]) -> str:
    """The name of ``env``'s endpoint: ``<slug>-<env>`` within the cloud's limit; on Azure
    ML, whose names are unique per region, ``azureml_endpoint`` of the workspace that the
    settings ``AZUREML_WORKSPACE`` (its subscription and resource group) name."""
    if CLOUD != "azure":
        return fit(f"{serving.SERVICE}-{env}", ENDPOINT_LIMIT)
    missing = [name for name in AZUREML_WORKSPACE if not environ.get(name)]
    if missing:
        raise DeployError(f"the setting {missing[0]} is empty (it names the Azure ML workspace)")
    subscription, group, workspace = (environ[name] for name in AZUREML_WORKSPACE)
    return azureml_endpoint(serving.SERVICE, env, workspace_id(subscription, group, workspace))


def workspace_id(subscription: str, group: str, workspace: str) -> str:
    """An Azure ML workspace's resource id (Terraform's ``azurerm_machine_learning_workspace.id``)."""
    provider = "providers/Microsoft.MachineLearningServices"
    return f"/subscriptions/{subscription}/resourceGroups/{group}/{provider}/workspaces/{workspace}"


def azureml_endpoint(slug: str, env: str, workspace: str) -> str:
    """``<slug cut>-<stg|prd>-<hash>``: at most 32 characters, starting with the slug's
    letter; the hash is 8 hex digits of the sha256 of the endpoint's resource id as if it
    were named ``<slug>-<env>`` in ``workspace`` (lower case: Azure ids ignore case)."""
    short = AZUREML_ENVIRONMENTS.get(env, env)
    full = f"{workspace}/onlineEndpoints/{slug}-{env}".lower()
    digest = hashlib.sha256(full.encode("utf-8")).hexdigest()[:HASH_DIGITS]
    room = ENDPOINT_LIMIT - len(short) - HASH_DIGITS - 2
    if room < 1 or not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", short):
        raise DeployError(f"environment {env!r} cannot be part of an Azure ML endpoint's name")
    return f"{slug[:room].rstrip('-')}-{short}-{digest}"


def fit(name: str, limit: int) -> str:
    """``name`` if it has at most ``limit`` characters; else its start and a short hash of
    all of it, so that the result fits, stays the same on every run and tells apart two
    long names that share their start (letters, digits and single dashes stay so)."""
    if len(name) <= limit:
        return name
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:HASH_DIGITS]
    return f"{name[: limit - HASH_DIGITS - 1].rstrip('-')}-{digest}"


def _section(name: str, root: Path) -> dict[str, Any]:
    try:
        found = load_params(name, root / PARAMS_FILE)
    except (OSError, KeyError, TypeError):  # no params.yaml or no such section
        return {}
    return found if isinstance(found, dict) else {}


def verify(payload: bytes, md5: str) -> bytes:
    """``payload`` if its md5 is the pinned one; a DeployError otherwise."""
    found = hashlib.md5(payload, usedforsecurity=False).hexdigest()
    if found != md5:
        raise DeployError(f"the fetched model has md5 {found}, the pin names {md5}")
    return payload


def smoke_request(n_features: int, request_id: str) -> bytes:
    """One KServe v2 infer request: a row of zeros with the model's width, whose ``id``
    (``request_id``, starting with ``SMOKE_PREFIX``) marks it in the captured data."""
    tensor = {"name": "features", "shape": [1, n_features], "datatype": "FP64"}
    body = {"id": request_id, "inputs": [{**tensor, "data": [0.0] * n_features}]}
    return json.dumps(body).encode()


def check_answer(payload: bytes | str) -> None:
    """A DeployError unless ``payload`` is a v2 answer with one probability in [0, 1]."""
    try:
        body = json.loads(payload)
        outputs = {o["name"]: o["data"] for o in body["outputs"]}
        (score,) = outputs["probability"]
        ok = 0.0 <= float(score) <= 1.0
    except (ValueError, TypeError, KeyError) as error:
        raise DeployError(f"the smoke request got no v2 answer: {error!r}") from None
    if not ok:
        raise DeployError(f"the smoke request got probability {score}, not in [0, 1]")


def log(message: str) -> None:
    """A line on stdout and in the job summary."""
    print(message, flush=True)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with Path(summary).open("a", encoding="utf-8") as handle:
            handle.write(message + "\n")
