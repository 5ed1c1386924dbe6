"""Argo CD syncs this repository inside a project a cluster admin would accept, and serving
does not depend on the Prometheus Operator's CRDs.

The AppProject allows this repository only, the two namespaces only, no cluster-scoped
kind and exactly the namespaced kinds that the overlays render once serving (for each
cloud); the namespaces come from a file the admin applies. The PodMonitor and the
PrometheusRule render in an overlay of their own, synced by a second Application, so the
serving overlay holds no monitoring.coreos.com object. No Argo CD CRD schema is recorded
here, so the Argo CD objects are checked structurally; everything they deploy validates
against the pinned KServe, Prometheus Operator and core schemas.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.cdct.conftest import Render, copy_repo
from tests.cdct.kube_validate import validate
from tests.cdct.test_kustomize import (
    CLOUDS,
    ENVIRONMENTS,
    IDENTITY,
    IMAGE,
    REMOTE,
    from_lock,
    kustomize,
    pin_model,
    pins,
    set_identity,
)

SLUG, REPO_URL = "my-ml-project", "https://github.com/acme/my-ml-project.git"
NAMESPACES = {f"{SLUG}-{environment}" for environment in ENVIRONMENTS}
MONITORING_GROUP = "monitoring.coreos.com"
APPLICATIONS = {
    f"{SLUG}-{env}{part}": (f"deploy/overlays/{env}{path}", f"{SLUG}-{env}")
    for env in ENVIRONMENTS
    for part, path in (("", ""), ("-monitoring", "/monitoring"))
}


def load(repo: Path, name: str) -> list[dict[str, Any]]:
    text = (repo / "deploy/argocd" / name).read_text(encoding="utf-8")
    return [doc for doc in yaml.safe_load_all(text) if doc]


def group_kind(resource: dict[str, Any]) -> tuple[str, str]:
    api = str(resource["apiVersion"])
    return (api.split("/", maxsplit=1)[0] if "/" in api else "", str(resource["kind"]))


def serving_repo(render: Render, tmp_path: Path, cloud: str) -> Path:
    """A copy of the generated repository with a model, an image and the identity pinned in
    every environment: everything its overlays can render."""
    repo = copy_repo(render(cloud=cloud, github_owner="acme"), tmp_path / "repo")
    md5 = "50e15d6997ce472513fd07c08e97264f"
    for environment in ENVIRONMENTS:
        pin_model(repo, environment, md5, f"{REMOTE[cloud]}/files/md5/50/{md5[2:]}")
        done = pins(repo, "image", environment, IMAGE, *from_lock(repo))
        assert done.returncode == 0, done.stderr
    if IDENTITY[cloud]:
        set_identity(repo, cloud)
    return repo


@pytest.mark.parametrize("cloud", CLOUDS)
def test_the_project_allows_exactly_what_the_overlays_render(
    render: Render, tmp_path: Path, cloud: str
) -> None:
    repo = serving_repo(render, tmp_path, cloud)
    (project,) = load(repo, "project.yaml")
    assert (project["apiVersion"], project["kind"]) == ("argoproj.io/v1alpha1", "AppProject")
    assert project["metadata"] == {"name": SLUG, "namespace": "argocd"}
    spec = project["spec"]
    assert set(spec) == {
        "description",
        "sourceRepos",
        "destinations",
        "clusterResourceWhitelist",
        "namespaceResourceWhitelist",
    }
    assert spec["sourceRepos"] == [REPO_URL]
    assert spec["clusterResourceWhitelist"] == []  # every cluster-scoped kind is denied
    destinations = {(d["server"], d["namespace"]) for d in spec["destinations"]}
    assert destinations == {("https://kubernetes.default.svc", n) for n in NAMESPACES}
    allowed = [(entry["group"], entry["kind"]) for entry in spec["namespaceResourceWhitelist"]]
    assert len(allowed) == len(set(allowed))

    rendered: set[tuple[str, str]] = set()
    for _, (path, namespace) in APPLICATIONS.items():
        resources = kustomize(repo / path)
        validate(resources)  # KServe, Prometheus Operator and core schemas
        for resource in resources:
            assert resource["metadata"]["namespace"] == namespace, resource["kind"]
        rendered |= {group_kind(resource) for resource in resources}
    assert set(allowed) == rendered
    assert not {kind for _, kind in allowed} & {"Role", "RoleBinding", "Secret", "Namespace"}


@pytest.mark.parametrize("cloud", ["aws", "none"])
def test_serving_renders_no_monitoring_kind_and_monitoring_renders_only_that(
    render: Render, tmp_path: Path, cloud: str
) -> None:
    """A cluster without the Prometheus Operator's CRDs syncs the serving Application: it
    holds no kind of theirs; the monitoring Application holds only theirs."""
    repo = serving_repo(render, tmp_path, cloud)
    for environment in ENVIRONMENTS:
        serving = kustomize(repo / "deploy/overlays" / environment)
        assert "InferenceService" in {str(r["kind"]) for r in serving}
        assert {group_kind(r)[0] for r in serving}.isdisjoint({MONITORING_GROUP})
        monitoring = kustomize(repo / "deploy/overlays" / environment / "monitoring")
        assert validate(monitoring) == ["PodMonitor", "PrometheusRule"]
        assert {group_kind(r)[0] for r in monitoring} == {MONITORING_GROUP}
        labels = monitoring[0]["metadata"]["labels"]
        assert labels["app.kubernetes.io/environment"] == environment


def test_each_application_syncs_its_overlay_in_the_project(render: Render) -> None:
    repo = render(cloud="gcp", github_owner="acme")
    names = sorted(path.name for path in (repo / "deploy/argocd").iterdir())
    assert names == [
        "namespaces.yaml",
        "production-monitoring.yaml",
        "production.yaml",
        "project.yaml",
        "staging-monitoring.yaml",
        "staging.yaml",
    ]
    found = {}
    for name in names:
        for document in load(repo, name):
            if document["kind"] == "Application":
                found[document["metadata"]["name"]] = document
    assert set(found) == set(APPLICATIONS)
    for name, (path, namespace) in APPLICATIONS.items():
        spec = found[name]["spec"]
        assert spec["project"] == SLUG
        assert spec["source"] == {"repoURL": REPO_URL, "targetRevision": "main", "path": path}
        assert (repo / path / "kustomization.yaml").is_file()
        assert spec["destination"] == {
            "server": "https://kubernetes.default.svc",
            "namespace": namespace,
        }
        # No CreateNamespace: the project may not create a Namespace (namespaces.yaml does).
        assert spec["syncPolicy"] == {"automated": {"prune": True, "selfHeal": True}}
    (listed,) = load(repo, "namespaces.yaml")  # one document: the check-yaml hook wants one
    assert listed["kind"] == "List"
    namespaces = listed["items"]
    assert validate(namespaces) == ["Namespace", "Namespace"]
    assert {n["metadata"]["name"] for n in namespaces} == NAMESPACES


def test_managed_repositories_have_no_kubernetes_folders(render: Render) -> None:
    repo = render(cloud="azure", deploy_target="managed")
    assert sorted(path.name for path in (repo / "deploy").iterdir()) == [
        "production.yaml",
        "staging.yaml",
    ]


def test_a_long_name_uses_one_kubernetes_name_across_argocd_and_overlays(render: Render) -> None:
    """A slug over 46 characters is cut for Kubernetes names; the namespaces that
    namespaces.yaml creates, the project allows and the Applications target are the ones
    the overlays render into, so nothing syncs into a namespace that does not exist."""
    repo = render(project_name="A very long project name for the data science platform team")
    overlays = {
        str(yaml.safe_load(path.read_text(encoding="utf-8"))["namespace"])
        for path in (repo / "deploy/overlays").glob("*/**/kustomization.yaml")
        if "namespace" in (yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    }
    assert len(overlays) == 2 and all(len(name) <= 63 for name in overlays)
    (listed,) = load(repo, "namespaces.yaml")
    assert {item["metadata"]["name"] for item in listed["items"]} == overlays
    (project,) = load(repo, "project.yaml")
    assert {d["namespace"] for d in project["spec"]["destinations"]} == overlays
    targets = {
        doc["spec"]["destination"]["namespace"]
        for path in (repo / "deploy/argocd").glob("*.yaml")
        for doc in load(repo, path.name)
        if doc.get("kind") == "Application"
    }
    assert targets == overlays
