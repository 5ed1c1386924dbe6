"""Validate rendered Kubernetes objects: core kinds with ``kubernetes-validate``; KServe's
and the Prometheus Operator's with the schemas of a pinned release of each
(``crds_<project>.json``, built by ``crd_schemas.py`` from the public CRDs)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).parent
PROJECTS = ("kserve", "prometheus-operator")
KUBERNETES = "1.30.0"


@cache
def crds(project: str) -> dict[str, Any]:
    path = HERE / f"crds_{project}.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def kserve() -> dict[str, Any]:
    return crds("kserve")


@cache
def custom_kinds() -> dict[str, dict[str, Any]]:
    return {kind: spec for project in PROJECTS for kind, spec in crds(project)["kinds"].items()}


def validate_custom(resource: dict[str, Any]) -> list[str]:
    """The schema errors of a KServe or Prometheus Operator object (empty: valid)."""
    import jsonschema

    kind = custom_kinds()[resource["kind"]]
    assert resource["apiVersion"] == kind["apiVersion"]
    validator = jsonschema.Draft7Validator(kind["schema"])
    return sorted(
        f"{'/'.join(str(p) for p in error.absolute_path)}: {error.message}"
        for error in validator.iter_errors(resource)
    )


def validate(resources: list[dict[str, Any]]) -> list[str]:
    """Validate each object (a failure on the first invalid one); the kinds checked."""
    kubernetes_validate = pytest.importorskip("kubernetes_validate")
    checked = []
    for resource in resources:
        kind = str(resource["kind"])
        if kind in custom_kinds():
            assert validate_custom(resource) == [], kind
        else:
            kubernetes_validate.validate(resource, KUBERNETES, strict=True)
        checked.append(kind)
    return sorted(checked)
