"""The PodMonitor scrapes the model server on the pods KServe really makes for the service.

What KServe v0.16.0 (the release whose CRDs ``crds_kserve.json`` pins) and the Knative
Serving it builds on (``knative.dev/serving v0.44.0`` in KServe's ``go.mod`` at that tag)
do with the rendered objects, from their sources at those releases:

- the deployment mode is the InferenceService's ``serving.kserve.io/deploymentMode``
  annotation, else the cluster's ``defaultDeploymentMode`` (``GetDeploymentMode`` in
  kserve ``pkg/controller/v1beta1/inferenceservice/utils/utils.go``); ``Serverless`` is read
  as ``Knative`` and ``RawDeployment`` as ``Standard``, but once deployed the recorded mode
  may not change (``validateDeploymentMode``, ``pkg/apis/serving/v1beta1/
  inference_service_validation.go``), so a service written ``Serverless`` is refused an update;
- only the Knative reconciler splits traffic by ``canaryTrafficPercent``
  (``reconcilers/knative/ksvc_reconciler.go``), which the canary rollout needs;
- the predictor pod carries the runtime's, the service's and the predictor's labels and
  ``serving.kserve.io/inferenceservice: <name>`` and ``component: predictor``
  (``buildObjectMeta``, ``components/predictor.go``); Knative adds
  ``serving.knative.dev/revision``;
- in Knative mode the one port of the serving container is replaced by
  ``{name: user-port, containerPort: <its port>}`` (knative serving
  ``pkg/reconciler/revision/resources/deploy.go``, ``buildContainerPorts`` with
  ``v1.UserPortName``), beside the queue-proxy's own ports (``queue-port``,
  ``http-autometric``, ``http-usermetric``, ``http-queueadm``, ``queue.go``); in Standard
  mode the container keeps its ports as written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.cdct.conftest import Render, copy_repo
from tests.cdct.test_kustomize import (
    IMAGE,
    from_lock,
    kustomize,
    one,
    pin_model,
    pins,
    set_identity,
)

MODE = "serving.kserve.io/deploymentMode"
LEGACY = {"Serverless": "Knative", "RawDeployment": "Standard"}
QUEUE_PROXY_PORTS = ["queue-port", "http-autometric", "http-usermetric", "http-queueadm"]


def predictor_pod(service: dict[str, Any], runtime: dict[str, Any]) -> dict[str, Any]:
    """The predictor pod KServe v0.16.0 makes of ``service`` on ``runtime`` (labels, and
    each container's port names), in the mode the service's annotation sets."""
    annotations = service["metadata"].get("annotations") or {}
    written = annotations.get(MODE)
    assert written is not None, (
        f"no {MODE}: the mode, so the pod's ports, would be the cluster's default"
    )
    mode = LEGACY.get(written, written)
    name = service["metadata"]["name"]
    predictor = service["spec"]["predictor"]
    labels = {
        **(runtime["spec"].get("labels") or {}),
        **(service["metadata"].get("labels") or {}),
        **(predictor.get("labels") or {}),
        "serving.kserve.io/inferenceservice": name,
        "component": "predictor",
    }
    (server,) = runtime["spec"]["containers"]
    ports = [port["name"] for port in server["ports"]]
    containers = {server["name"]: ports}
    if mode == "Knative":
        labels["serving.knative.dev/revision"] = f"{name}-predictor-00001"
        containers = {server["name"]: ["user-port"], "queue-proxy": QUEUE_PROXY_PORTS}
    return {"mode": mode, "labels": labels, "containers": containers}


def scraped(monitor: dict[str, Any], pod: dict[str, Any]) -> list[tuple[str, str]]:
    """``(container, port)`` of each endpoint the PodMonitor scrapes on ``pod``."""
    wanted = monitor["spec"]["selector"]["matchLabels"]
    if any(pod["labels"].get(key) != value for key, value in wanted.items()):
        return []
    return [
        (container, endpoint["port"])
        for endpoint in monitor["spec"]["podMetricsEndpoints"]
        for container, ports in pod["containers"].items()
        if endpoint["port"] in ports
    ]


@pytest.mark.parametrize("cloud", ["aws", "none"])
def test_the_pod_monitor_scrapes_the_model_server_port_knative_gives_it(
    render: Render, tmp_path: Path, cloud: str
) -> None:
    repo = copy_repo(render(cloud=cloud), tmp_path / "repo")
    md5 = "50e15d6997ce472513fd07c08e97264f"
    pin_model(repo, "staging", md5, f"s3://my-ml-project-dvc/files/md5/50/{md5[2:]}")
    assert pins(repo, "image", "staging", IMAGE, *from_lock(repo)).returncode == 0
    if cloud != "none":
        set_identity(repo, cloud)
    resources = kustomize(repo / "deploy/overlays/staging")
    service = one(resources, "InferenceService")
    pod = predictor_pod(service, one(resources, "ServingRuntime"))
    assert pod["mode"] == "Knative"  # the canary (canaryTrafficPercent) needs it
    assert service["spec"]["predictor"]["canaryTrafficPercent"] == 100
    monitor = one(kustomize(repo / "deploy/overlays/staging/monitoring"), "PodMonitor")
    assert scraped(monitor, pod) == [("kserve-container", "user-port")]
    (endpoint,) = monitor["spec"]["podMetricsEndpoints"]
    assert endpoint["path"] == "/metrics"
    # Each sample carries the Knative revision: the default and the canary stay apart.
    assert endpoint["relabelings"] == [
        {
            "sourceLabels": ["__meta_kubernetes_pod_label_serving_knative_dev_revision"],
            "targetLabel": "revision",
        }
    ]
    runtime = one(resources, "ServingRuntime")
    (server,) = runtime["spec"]["containers"]
    assert [p["containerPort"] for p in server["ports"]] == [8080]
    assert runtime["metadata"]["annotations"]["prometheus.kserve.io/port"] == "8080"


def test_a_monitor_on_the_spec_port_name_scrapes_nothing_in_knative_mode() -> None:
    """The model of KServe's pod is not vacuous: the port name as written in the runtime
    (``http1``) is gone in Knative mode, and a selector on a label KServe does not set
    matches no pod."""
    service = yaml.safe_load(
        "metadata: {name: s, annotations: {serving.kserve.io/deploymentMode: Serverless}}\n"
        "spec: {predictor: {}}\n"
    )
    runtime = yaml.safe_load(
        "spec: {containers: [{name: kserve-container, ports: [{name: http1}]}]}\n"
    )
    pod = predictor_pod(service, runtime)
    assert pod["mode"] == "Knative"
    on_spec_name = {
        "spec": {
            "selector": {"matchLabels": {"serving.kserve.io/inferenceservice": "s"}},
            "podMetricsEndpoints": [{"port": "http1"}],
        }
    }
    assert scraped(on_spec_name, pod) == []
    raw = predictor_pod(
        {**service, "metadata": {"name": "s", "annotations": {MODE: "RawDeployment"}}}, runtime
    )
    assert scraped(on_spec_name, raw) == [("kserve-container", "http1")]
    wrong_label = yaml.safe_load(
        "spec: {selector: {matchLabels: {app: s}}, podMetricsEndpoints: [{port: user-port}]}"
    )
    assert scraped(wrong_label, pod) == []
