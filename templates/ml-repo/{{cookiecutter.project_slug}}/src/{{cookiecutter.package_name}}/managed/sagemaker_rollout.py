"""The SageMaker rollout itself: first deploy, canary update, rollback and clean-up."""

from __future__ import annotations

import re
from typing import Any

from .common import CANARY_SUFFIX, DeployError, Release, log
from .sagemaker import (
    Clients,
    create_config,
    create_model,
    current_config,
    delete_quietly,
    production_variant,
    smoke,
    stage_model,
    wait,
)


def deploy(release: Release, aws: Clients, role_arn: str) -> str:
    """Roll ``release`` out to its endpoint; what happened, as one line."""
    current = current_config(release, aws)
    served = [v["ModelName"] for v in (current or {}).get("ProductionVariants", [])]
    if served == [release.version]:  # the same model, image and settings
        clean_up(release, aws)
        return f"{release.endpoint} already serves {release.version}"
    create_model(release, aws, role_arn, stage_model(release, aws))
    if current is None:
        first_deploy(release, aws)
    else:
        canary(release, aws, current)
    clean_up(release, aws)
    return f"{release.endpoint} serves {release.version}"


def first_deploy(release: Release, aws: Clients) -> None:
    try:
        create_config(release, aws, release.version, [production_variant(release, 1.0)])
        aws.sagemaker.create_endpoint(
            EndpointName=release.endpoint, EndpointConfigName=release.version
        )
    except aws.sagemaker.exceptions.ClientError as error:  # no endpoint was made: none deleted
        discard(release, aws)
        raise DeployError(str(error)) from None
    try:
        wait(release, aws, release.version)
        smoke(release, aws)
    except (DeployError, aws.sagemaker.exceptions.ClientError) as error:
        delete_quietly(aws.sagemaker.delete_endpoint, EndpointName=release.endpoint)
        discard(release, aws)
        raise DeployError(str(error)) from None


def canary(release: Release, aws: Clients, current: dict[str, Any]) -> None:
    """Old variants as they are plus the new one at weight 0; smoke; then the new alone.
    Any failure from the canary config on (its creation, the update to it, the smoke
    request, the move to the new config) puts the endpoint back on its old config and
    deletes the new model and configs."""
    old = current["EndpointConfigName"]
    variants = [*current["ProductionVariants"], production_variant(release, 0.0)]
    step = "the canary update"
    try:
        create_config(release, aws, f"{release.version}{CANARY_SUFFIX}", variants)
        _update(release, aws, f"{release.version}{CANARY_SUFFIX}")
        step = "smoke request"
        smoke(release, aws)
        step = "the update to the new model"
        create_config(release, aws, release.version, [production_variant(release, 1.0)])
        _update(release, aws, release.version)
    except (DeployError, aws.sagemaker.exceptions.ClientError) as error:
        log(f"{step} failed: rolling {release.endpoint} back to {old}")
        roll_back(release, aws, old)
        raise DeployError(str(error)) from None


def roll_back(release: Release, aws: Clients, old: str) -> None:
    """The endpoint on ``old`` again (unless it still is), and the new resources gone."""
    try:
        if (current_config(release, aws) or {}).get("EndpointConfigName") != old:
            _update(release, aws, old)
    except (DeployError, aws.sagemaker.exceptions.ClientError) as error:
        log(f"could not roll {release.endpoint} back to {old}: {error}")
    discard(release, aws)


def _update(release: Release, aws: Clients, config: str) -> None:
    """The endpoint on ``config``, InService; a DeployError when SageMaker did not get it there."""
    aws.sagemaker.update_endpoint(EndpointName=release.endpoint, EndpointConfigName=config)
    wait(release, aws, config)


def discard(release: Release, aws: Clients) -> None:
    """Delete the new model's configs and model (after a failed rollout)."""
    for name in (f"{release.version}{CANARY_SUFFIX}", release.version):
        delete_quietly(aws.sagemaker.delete_endpoint_config, EndpointConfigName=name)
    delete_quietly(aws.sagemaker.delete_model, ModelName=release.version)


def clean_up(release: Release, aws: Clients) -> None:
    """Delete every config and model of this endpoint that the endpoint does not use now."""
    current = current_config(release, aws) or {}
    keep_config = current.get("EndpointConfigName")
    keep_models = {v["ModelName"] for v in current.get("ProductionVariants", [])}
    prefix = release.version[: -len(release.release_id)]
    ours = re.compile(re.escape(prefix) + r"[0-9a-f]{12}(-canary)?\Z")
    configs = aws.sagemaker.list_endpoint_configs(NameContains=prefix, MaxResults=100)
    for config in configs["EndpointConfigs"]:
        name = config["EndpointConfigName"]
        if ours.match(name) and name != keep_config:
            delete_quietly(aws.sagemaker.delete_endpoint_config, EndpointConfigName=name)
            log(f"deleted endpoint config {name}")
    for model in aws.sagemaker.list_models(NameContains=prefix, MaxResults=100)["Models"]:
        name = model["ModelName"]
        if ours.match(name) and name not in keep_models:
            delete_quietly(aws.sagemaker.delete_model, ModelName=name)
            log(f"deleted model {name}")
