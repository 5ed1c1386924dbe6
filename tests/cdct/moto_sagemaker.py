"""moto's server on 127.0.0.1 with the one SageMaker action it lacks: ``UpdateEndpoint``.

``python -m tests.cdct.moto_sagemaker -H 127.0.0.1 -p <port>`` (moto.server's options). moto 5 serves CreateModel,
CreateEndpointConfig, CreateEndpoint, DescribeEndpoint(Config), the deletes, the
lists and the runtime's InvokeEndpoint, but not UpdateEndpoint. This adds it with
the semantics AWS documents: the endpoint takes the new config's name, production
variants and data capture config and (in moto, at once) is InService again; an
unknown endpoint or config is a ValidationError, as AWS answers.
"""

from __future__ import annotations

import sys

from moto.core.responses import ActionResult
from moto.sagemaker.exceptions import ValidationError
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
    endpoint.endpoint_config_name = config.endpoint_config_name
    endpoint.production_variants = endpoint._process_production_variants(config.production_variants)
    endpoint.data_capture_config = config.data_capture_config
    endpoint.endpoint_status = "InService"
    return ActionResult({"EndpointArn": endpoint.arn})


if __name__ == "__main__":
    SageMakerResponse.update_endpoint = update_endpoint  # type: ignore[attr-defined]
    main(sys.argv[1:])
