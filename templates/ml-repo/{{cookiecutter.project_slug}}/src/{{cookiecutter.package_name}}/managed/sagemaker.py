"""SageMaker: a new production variant at weight 0, a smoke request to it, then all traffic.

The endpoint keeps one stable name (``<slug>-<env>``). A new release (a new model, serving
image or deploy setting: ``common.Release.identity``) gets its own model and endpoint
config (``<endpoint>-<release 12>``); during the rollout the endpoint runs a
``-canary`` config holding the old variants and the new one at weight 0. The smoke
request goes to the new variant by ``TargetVariant``; if it fails, the endpoint goes
back to its old config and the new resources are deleted. An update counts as done only
when the endpoint is InService on the config asked for: SageMaker answers an update it
could not make with the endpoint InService on its previous config and a
``FailureReason``, and that too rolls back. Once the new config serves,
every model and config of this endpoint that it does not use is deleted. Data capture
(inputs and outputs) goes to ``<remote>/monitoring/sagemaker/<env>/<endpoint>/<variant>/
yyyy/mm/dd/hh/``; the smoke request carries its marker as ``InferenceId`` (which data
capture records) and as the v2 request ``id``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from . import storage
from .common import MODEL_FILE, DeployError, Release, check_answer, log, smoke_request, verify


@dataclass
class Clients:
    """botocore clients: ``sagemaker``, ``sagemaker-runtime`` and ``s3``."""

    sagemaker: Any
    runtime: Any
    s3: Any
    poll_seconds: float = 30.0
    timeout_seconds: float = 3600.0


def clients() -> Clients:
    import botocore.session

    session = botocore.session.get_session()
    names = ("sagemaker", "sagemaker-runtime", "s3")
    return Clients(*(session.create_client(name) for name in names))


def variant(release: Release) -> str:
    return f"m-{release.release_id}"


def stage_model(release: Release, aws: Clients) -> str:
    """Fetch the pinned model with the deploy role, check its md5, stage it; its S3 prefix."""
    payload = verify(storage.read(release.storage_uri, aws.s3), release.md5)
    storage.write(f"{release.serving_prefix}/{MODEL_FILE}", payload, aws.s3)
    return f"{release.serving_prefix}/"


def create_model(release: Release, aws: Clients, role_arn: str, prefix: str) -> None:
    source = {"S3Uri": prefix, "S3DataType": "S3Prefix", "CompressionType": "None"}
    aws.sagemaker.create_model(
        ModelName=release.version,
        ExecutionRoleArn=role_arn,
        PrimaryContainer={
            "Image": release.image,
            "ModelDataSource": {"S3DataSource": source},
            "Environment": release.container_env,
        },
    )


def production_variant(release: Release, weight: float) -> dict[str, Any]:
    return {
        "VariantName": variant(release),
        "ModelName": release.version,
        "InstanceType": release.instance_type,
        "InitialInstanceCount": release.instance_count,
        "InitialVariantWeight": weight,
    }


def data_capture(release: Release) -> dict[str, Any]:
    """``DataCaptureConfig``: inputs and outputs as JSON under ``monitoring/sagemaker/<env>``."""
    return {
        "EnableCapture": release.capture_percent > 0,
        "InitialSamplingPercentage": max(0, min(100, release.capture_percent)),
        "DestinationS3Uri": release.capture_folder("sagemaker"),
        "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
        "CaptureContentTypeHeader": {"JsonContentTypes": ["application/json"]},
    }


def create_config(release: Release, aws: Clients, name: str, variants: list[Any]) -> None:
    delete_quietly(aws.sagemaker.delete_endpoint_config, EndpointConfigName=name)
    aws.sagemaker.create_endpoint_config(
        EndpointConfigName=name,
        ProductionVariants=variants,
        DataCaptureConfig=data_capture(release),
    )


def current_config(release: Release, aws: Clients) -> dict[str, Any] | None:
    """The endpoint config the endpoint runs now (None: no endpoint yet)."""
    try:
        endpoint = aws.sagemaker.describe_endpoint(EndpointName=release.endpoint)
    except aws.sagemaker.exceptions.ClientError:
        return None
    name = endpoint["EndpointConfigName"]
    return dict(aws.sagemaker.describe_endpoint_config(EndpointConfigName=name))


def wait(release: Release, aws: Clients, config: str) -> None:
    """Until the endpoint is InService on ``config``; a DeployError when it fails, times
    out, or is InService on another config: SageMaker's answer to an update it could not
    make is the endpoint back on its previous config with a ``FailureReason``."""
    endpoint = _settled(release, aws)
    actual = endpoint["EndpointConfigName"]
    if actual != config:
        reason = endpoint.get("FailureReason") or "no failure reason given"
        raise DeployError(
            f"endpoint {release.endpoint} is InService on config {actual}, not {config}: {reason}"
        )


def _settled(release: Release, aws: Clients) -> dict[str, Any]:
    """DescribeEndpoint once it is InService; a DeployError when it fails or times out."""
    deadline = time.monotonic() + aws.timeout_seconds
    while True:
        endpoint: dict[str, Any] = aws.sagemaker.describe_endpoint(EndpointName=release.endpoint)
        status = endpoint["EndpointStatus"]
        if status == "InService":
            return endpoint
        if status == "Failed" or time.monotonic() > deadline:
            reason = endpoint.get("FailureReason", "timed out")
            raise DeployError(f"endpoint {release.endpoint} is {status}: {reason}")
        time.sleep(aws.poll_seconds)


def smoke(release: Release, aws: Clients) -> None:
    """One request through the endpoint to the new variant; a DeployError if it fails."""
    try:
        answer = aws.runtime.invoke_endpoint(
            EndpointName=release.endpoint,
            TargetVariant=variant(release),
            ContentType="application/json",
            Accept="application/json",
            Body=smoke_request(release.n_features, release.smoke_id),
            InferenceId=release.smoke_id,
        )
    except aws.runtime.exceptions.ClientError as error:
        raise DeployError(f"the smoke request failed: {error}") from None
    check_answer(answer["Body"].read())


def delete_quietly(action: Any, **name: str) -> None:
    try:
        action(**name)
    except Exception as error:  # already gone is fine; anything else is worth a line
        if "Could not find" not in str(error):
            log(f"could not delete {name}: {error}")
