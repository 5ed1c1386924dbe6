"""The Grafana dashboard is deployed once: Grafana's sidecar loads every ConfigMap labelled
``grafana_dashboard`` in any namespace it watches, and two with one dashboard uid (one per
environment) leave Grafana keeping one of them at random. Rendered as Argo CD applies it:
each Application's path through ``kubectl kustomize``, every object schema-validated."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.cdct.conftest import Render, copy_repo
from tests.cdct.kube_validate import validate
from tests.cdct.test_kustomize import (
    ENVIRONMENTS,
    IMAGE,
    from_lock,
    kustomize,
    pin_model,
    pins,
    set_identity,
)

MD5 = "50e15d6997ce472513fd07c08e97264f"
REMOTE = {"aws": "s3://my-ml-project-dvc", "none": "../my-ml-project-dvc-remote"}


def deployed(repo: Path) -> list[dict[str, Any]]:
    """Every object that the repository's Argo CD Applications apply, as rendered."""
    found: list[dict[str, Any]] = []
    for path in sorted((repo / "deploy/argocd").glob("*.yaml")):
        # Besides the Applications: the AppProject and the namespaces the admin applies.
        for app in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if app["kind"] == "Application":
                found += kustomize(repo / app["spec"]["source"]["path"])
    return found


def dashboards(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The dashboards Grafana's sidecar would load, one per JSON key of a labelled ConfigMap."""
    return [
        json.loads(text)
        for resource in resources
        if resource["kind"] == "ConfigMap"
        and resource["metadata"].get("labels", {}).get("grafana_dashboard") == "1"
        for key, text in resource["data"].items()
        if key.endswith(".json")
    ]


@pytest.mark.parametrize("serving", [False, True], ids=["fresh", "serving"])
@pytest.mark.parametrize("cloud", ["aws", "none"])
def test_the_whole_deployment_ships_one_dashboard_for_every_environment(
    render: Render, tmp_path: Path, cloud: str, serving: bool
) -> None:
    repo = copy_repo(render(cloud=cloud), tmp_path / "repo")
    if serving:  # every environment serves a model: all that its overlay can render
        for environment in ENVIRONMENTS:
            pin_model(repo, environment, MD5, f"{REMOTE[cloud]}/files/md5/50/{MD5[2:]}")
            assert pins(repo, "image", environment, IMAGE, *from_lock(repo)).returncode == 0
        if cloud != "none":  # no cloud: no workload identity to set
            set_identity(repo, cloud)
    resources = deployed(repo)
    kinds = validate(resources)  # KServe's and the Prometheus Operator's CRDs, the core schemas
    assert kinds.count("InferenceService") == (2 if serving else 0)
    namespaces = {resource["metadata"]["namespace"] for resource in resources}
    assert namespaces == {f"my-ml-project-{environment}" for environment in ENVIRONMENTS}
    (board,) = dashboards(resources)
    assert board["uid"] == "my-ml-project"
    assert kinds.count("ConfigMap") == 1
    # One dashboard for both environments: its Namespace variable offers each namespace
    # that serves this model, and every panel filters by it.
    (variable,) = [v for v in board["templating"]["list"] if v["name"] == "namespace"]
    assert variable["query"]["query"] == "label_values(inference_requests_total, namespace)"
    exprs = [t["expr"] for panel in board["panels"] for t in panel.get("targets", [])]
    assert exprs
    assert all('namespace="$namespace"' in expr for expr in exprs)
