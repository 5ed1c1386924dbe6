"""moto's server on 127.0.0.1 with the one SageMaker action it lacks: ``UpdateEndpoint``,
and the name constraints AWS enforces that moto does not.

``python -m tests.cdct.moto_sagemaker -H 127.0.0.1 -p <port>`` (moto.server's options). moto 5 serves CreateModel,
CreateEndpointConfig, CreateEndpoint, DescribeEndpoint(Config), the deletes, the
lists and the runtime's InvokeEndpoint, but not UpdateEndpoint. This adds it with
the semantics AWS documents: the endpoint takes the new config's name, production
variants and data capture config and (in moto, at once) is InService again; an
unknown endpoint or config is a ValidationError, as AWS answers. Model, endpoint
config and endpoint names are checked as AWS checks them (at most 63 characters,
``^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}``): moto takes any name, so a name AWS refuses
would otherwise pass here.

With ``MOTO_SAGEMAKER_INSTANCE_QUOTA=<n>`` in its environment, UpdateEndpoint
refuses a config whose variants ask for more than ``n`` instances in all,
with the ResourceLimitExceeded error AWS answers when the account's instance quota
for endpoint usage is too small (as for a canary config: old and new variant at once).

With ``MOTO_SAGEMAKER_FAILING_UPDATES=<i>,<j>...`` the i-th, j-th... UpdateEndpoint
call this server receives (counted from 1) is accepted and then fails as AWS reports an
update that fails after it started: the endpoint stays InService on its previous config
and DescribeEndpoint carries a ``FailureReason``. AWS does not document when that reason
goes away, so here it stays after later updates that succeed: a client must judge an
update by the config the endpoint runs, not by a reason left from an earlier failure.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable

from moto.core.responses import ActionResult
from moto.sagemaker.exceptions import SagemakerClientError, ValidationError
from moto.sagemaker.responses import SageMakerResponse
from moto.server import main


def update_endpoint(self: SageMakerResponse) -> ActionResult:
    backend = self.sagemaker_backend
    name = self._get_param("EndpointName")
    endpoint = backend.endpoints.get(name)
    if endpoint is None:
        raise ValidationError(message=f"Could not find endpoint '{name}'.")
    config_name = self._get_param("EndpointConfigName")
    config = backend.endpoint_configs.get(config_name)
    if config is None:
        raise ValidationError(message=f"Could not find endpoint configuration '{config_name}'.")
    within_quota(config.production_variants)
    if fails_after_it_started(config_name):
        endpoint.failure_reason = (
            f"Failed to update the endpoint to '{config_name}': the primary container"
            " for production variant did not pass the ping health check."
        )
        return ActionResult({"EndpointArn": endpoint.arn})
    endpoint.endpoint_config_name = config.endpoint_config_name
    endpoint.production_variants = endpoint._process_production_variants(config.production_variants)
    endpoint.data_capture_config = config.data_capture_config
    endpoint.endpoint_status = "InService"
    return ActionResult({"EndpointArn": endpoint.arn})


QUOTA = "MOTO_SAGEMAKER_INSTANCE_QUOTA"
FAILING = "MOTO_SAGEMAKER_FAILING_UPDATES"
UPDATES: list[str] = []  # the configs UpdateEndpoint was asked for, in order


def fails_after_it_started(config_name: str) -> bool:
    """Whether this UpdateEndpoint call's number is one that ``FAILING`` lists."""
    UPDATES.append(config_name)
    return str(len(UPDATES)) in os.environ.get(FAILING, "").split(",")


class ResourceLimitExceeded(SagemakerClientError):
    code = "ResourceLimitExceeded"


def within_quota(variants: list[dict[str, object]]) -> None:
    """A ResourceLimitExceeded error when ``variants`` ask for more instances than the quota."""
    quota = os.environ.get(QUOTA)
    wanted = sum(int(str(v.get("InitialInstanceCount", 1))) for v in variants)
    if quota is not None and wanted > int(quota):
        raise ResourceLimitExceeded(
            f"The account-level service limit 'ml.m5.large for endpoint usage' is {quota}"
            f" Instances, with current utilization of 0 Instances and a request delta of"
            f" {wanted} Instances. Please use AWS Service Quotas to request an increase."
        )


NAME = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}\Z")
NAMED = {"create_model": "ModelName", "create_endpoint_config": "EndpointConfigName",
         "create_endpoint": "EndpointName"}  # fmt: skip
Action = Callable[[SageMakerResponse], object]


def named(action: Action, field: str) -> Action:
    """``action`` refusing a ``field`` that AWS would refuse, with AWS's message."""

    def checked(self: SageMakerResponse) -> object:
        name = str(self._get_param(field))
        if len(name) > 63 or not NAME.match(name):
            raise ValidationError(
                message=f"1 validation error detected: Value '{name}' at '{field}' failed to"
                " satisfy constraint: Member must have length less than or equal to 63 and"
                " satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}"
            )
        return action(self)

    return checked


if __name__ == "__main__":
    SageMakerResponse.update_endpoint = update_endpoint  # type: ignore[attr-defined]
    for method, field in NAMED.items():
        setattr(SageMakerResponse, method, named(getattr(SageMakerResponse, method), field))
    main(sys.argv[1:])
