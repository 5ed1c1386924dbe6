"""Validate rendered Kubernetes objects: core kinds with ``kubernetes-validate``, KServe's
with the schemas of a pinned KServe release (``kserve_crds.json``, built by
``kserve_schemas.py`` from the public CRDs), the rest by their apiVersion and shape."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

CRDS = Path(__file__).with_name("kserve_crds.json")
KUBERNETES = "1.30.0"
# Prometheus Operator kinds: no schema is carried here; their apiVersion is checked.
MONITORING = {"PodMonitor", "PrometheusRule"}


@cache
def kserve() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(CRDS.read_text(encoding="utf-8"))
    return data


def validate_kserve(resource: dict[str, Any]) -> list[str]:
    """The schema errors of a KServe object (empty: valid), each as ``path: message``."""
    import jsonschema

    kind = kserve()["kinds"][resource["kind"]]
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
        if kind in kserve()["kinds"]:
            assert validate_kserve(resource) == [], kind
        elif kind in MONITORING:
            assert resource["apiVersion"] == "monitoring.coreos.com/v1"
        else:
            kubernetes_validate.validate(resource, KUBERNETES, strict=True)
        checked.append(kind)
    return sorted(checked)
