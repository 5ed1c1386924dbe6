"""## What it does
Checks that each KServe overlay patch
(`deploy/overlays/<env>/inference-service-patch.yaml`) sets
`spec.predictor.model.storageUri` to exactly its environment's pin
`model.storage_uri`, or, while the pin is `model: null`, to the placeholder
`pending://no-model-pinned` that the generated repository starts with.

## Why is this bad
Argo CD deploys the overlay, not the pin. An overlay edited by hand (or left
behind by a promotion) serves a different model from the one the pin, its
lineage and its review name.

## Example
```yaml
# deploy/overlays/production/inference-service-patch.yaml
spec:
  predictor:
    model:
      storageUri: s3://acme-ml-dvc/models/latest
```

## Fix
Let the pin write it: `python -m <package>.pins update staging` or
`pins promote staging production` rewrite the overlay too; `mlrig check --fix`
sets it from the pin.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding, Fix
from toolkit.check.project import Project
from toolkit.check.views.pins import PLACEHOLDER_URI, OverlayPatch
from toolkit.rules._mod import models

CODE = "MOD005"
NAME = "overlay-storage-uri-mismatch"
FAMILY = "models"
SUMMARY = "A KServe overlay's storageUri is not its environment's pinned model"
VIEWS: tuple[str, ...] = ("pins",)


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Each overlay patch's storageUri equals its pin's storage_uri (or the placeholder)."""
    del options
    found = models(project)
    for patch in found.patches:
        pin = found.pin(patch.environment)
        if pin is None:
            message = f"no deploy/{patch.environment}.yaml pins the model for this overlay"
            yield Finding(patch.path, patch.line, patch.column, CODE, message)
            continue
        if pin.model is None and "model" in pin.doc.data and pin.doc.data["model"] is not None:
            continue  # MOD001 reports a malformed model
        expected = str(pin.model.get("storage_uri")) if pin.model else PLACEHOLDER_URI
        if patch.storage_uri != expected:
            env = pin.environment
            message = f"storageUri {patch.storage_uri} is not the {env} pin's {expected}"
            fix = _fix(patch, expected)
            yield Finding(patch.path, patch.line, patch.column, CODE, message, fix=fix)


def _fix(patch: OverlayPatch, expected: str) -> Fix | None:
    if patch.value_span is None:
        return None
    line, column, end_line, end_column = patch.value_span
    return Fix(patch.path, line, column, end_line, end_column, expected)
