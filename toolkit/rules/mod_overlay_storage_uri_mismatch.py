"""## What it does
Checks that each KServe overlay patch
(`deploy/overlays/<env>/inference-service-patch.yaml`) sets
`spec.predictor.model.storageUri` to exactly its environment's pin
`model.storage_uri` (for a local DVC remote, which no cluster reaches by its path:
the object's folder in the claim that holds the remote,
`pvc://dvc-remote/files/md5/<first two hex digits>`), and that its `MLSERVER_MODEL_URI` entry of
`spec.predictor.model.env` names the file KServe's storage initializer makes of
that object: `/mnt/models/<md5 without its first two hex digits>`. While the pin
is `model: null`, they must be the placeholders the generated repository starts
with: `pending://no-model-pinned` and `/mnt/models/no-model-pinned`.

## Why is this bad
Argo CD deploys the overlay, not the pin. An overlay edited by hand (or left
behind by a promotion) serves a different model from the one the pin, its
lineage and its review name. The DVC remote keeps the model without a file
extension, so MLServer loads it only through `MLSERVER_MODEL_URI`: a model file
that is not the pinned object's name makes the server fail to start, or load
whatever else lies in `/mnt/models`.

## Example
```yaml
# deploy/overlays/production/inference-service-patch.yaml
spec:
  predictor:
    model:
      storageUri: s3://acme-ml-dvc/models/latest
      env:
        - name: MLSERVER_MODEL_URI
          value: /mnt/models/model.joblib
```

## Fix
Let the pin write it: `python -m <package>.pins update staging` or
`pins promote staging production` rewrite the overlay too; `mlrig check --fix`
sets both values from the pin.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding, Fix
from toolkit.check.project import Project
from toolkit.check.views.pins import (
    MD5,
    MODEL_FILE_ENV,
    PLACEHOLDER_MODEL_FILE,
    PLACEHOLDER_URI,
    OverlayPatch,
    Pin,
    kserve_uri,
    model_file,
)
from toolkit.rules._mod import models

CODE = "MOD005"
NAME = "overlay-storage-uri-mismatch"
FAMILY = "models"
SUMMARY = "A KServe overlay's storageUri or model file is not its environment's pinned model"
FIXABLE = True
VIEWS: tuple[str, ...] = ("pins",)


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Each overlay patch's storageUri and model file follow its pin (or the placeholders)."""
    del options
    found = models(project)
    for patch in found.patches:
        pin = found.pin(patch.environment)
        if pin is None:
            message = (
                f"no deploy/{patch.environment}.yaml pins the model for this overlay; add the pin"
            )
            yield Finding(patch.path, patch.line, patch.column, CODE, message)
            continue
        if pin.model is None and "model" in pin.doc.data and pin.doc.data["model"] is not None:
            continue  # MOD001 reports a malformed model
        pinned = str(pin.model.get("storage_uri")) if pin.model else PLACEHOLDER_URI
        expected = kserve_uri(pinned) if pin.model else PLACEHOLDER_URI
        if patch.storage_uri != expected:
            message = _uri_message(patch.storage_uri, pin.environment, pinned, expected)
            fix = _fix(patch, expected)
            yield Finding(patch.path, patch.line, patch.column, CODE, message, fix=fix)
        yield from _model_file(patch, pin)


def _uri_message(written: str | None, env: str, pinned: str, expected: str) -> str:
    if expected == pinned:
        return f"storageUri {written} is not the {env} pin's {expected}; use it"
    return (
        f"storageUri {written} is not {expected}, where KServe reads the {env} pin's {pinned}"
        " (a local remote, from the claim dvc-remote that holds it); use it"
    )


def _model_file(patch: OverlayPatch, pin: Pin) -> Iterator[Finding]:
    md5 = pin.md5
    if pin.model is not None and (md5 is None or not MD5.match(md5) or md5.endswith(".dir")):
        return  # MOD001 reports a missing hash, or one that is not a file's md5
    expected = model_file(md5) if md5 is not None else PLACEHOLDER_MODEL_FILE
    if patch.model_file == expected:
        return
    line, column = patch.model_file_mark
    if patch.model_file is None:
        message = (
            f"no {MODEL_FILE_ENV} entry in spec.predictor.model.env names the model file;"
            f" the {pin.environment} pin's is {expected}; add it (--fix)"
        )
        yield Finding(patch.path, line, column, CODE, message, fix=_insert_env(patch, expected))
    else:
        message = (
            f"{MODEL_FILE_ENV} {patch.model_file} is not the {pin.environment} pin's"
            f" model file {expected}; use it (--fix)"
        )
        fix = _fix(patch, expected, patch.model_file_span)
        yield Finding(patch.path, line, column, CODE, message, fix=fix)


def _fix(
    patch: OverlayPatch, expected: str, span: tuple[int, int, int, int] | None = None
) -> Fix | None:
    span = span or patch.value_span
    if span is None:
        return None
    line, column, end_line, end_column = span
    return Fix(patch.path, line, column, end_line, end_column, expected)


def _insert_env(patch: OverlayPatch, expected: str) -> Fix | None:
    """Add an ``env:`` list after ``storageUri`` when the model has none at all."""
    if patch.value_span is None or patch.model_file_mark != (patch.line, patch.column):
        return None  # env exists (without the entry) or storageUri is missing: edit by hand
    _, _, end_line, end_column = patch.value_span
    indent = " " * (patch.column - 1)
    text = f"\n{indent}env:\n{indent}  - name: {MODEL_FILE_ENV}\n{indent}    value: {expected}"
    return Fix(patch.path, end_line, end_column, end_line, end_column, text)
