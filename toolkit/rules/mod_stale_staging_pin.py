"""## What it does
Checks that the staging pin (`deploy/staging.yaml`) names the model that
`dvc.lock` records now: the same out path and the same md5. `model: null` is
accepted only while `dvc.lock` does not exist or records no model out (an out
under `models/` or with a model file suffix).

## Why is this bad
Staging follows main. When `dvc.lock` moves (a retraining run) and the pin does
not, or the pin is edited by hand, staging serves a model that the commit did
not produce, and the next promotion ships an unreviewed artifact.

## Example
```yaml
# deploy/staging.yaml, while dvc.lock records md5 3f2a... for models/model.joblib
environment: staging
model:
  path: models/model.joblib
  md5: 9b1c0e5d2f8a4b6c7d3e1f0a2b4c6d8e
  storage_uri: s3://acme-ml-dvc/files/md5/9b/1c0e5d2f8a4b6c7d3e1f0a2b4c6d8e
```

## Fix
Commit `dvc.lock` and the pin together: `python -m <package>.pins update staging`
after `dvc repro` (the CT workflow opens such a pull request).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.views.pins import model_outs, producer
from toolkit.rules._mod import LOCK, UPDATE_HINT, mark, models

CODE = "MOD002"
NAME = "stale-staging-pin"
FAMILY = "models"
SUMMARY = "The staging pin is not the model that dvc.lock records"
VIEWS: tuple[str, ...] = ("pins", "dvc")


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    """deploy/staging.yaml agrees with dvc.lock (path and md5), or is null before training."""
    del options
    found = models(project)
    pin = found.pin("staging")
    if pin is None or "model" not in pin.doc.data:
        return
    if pin.model is None:
        outs = model_outs(found.stages)
        if outs:
            out = outs[0]
            message = f"model is null but dvc.lock records {out.path} ({out.hash}); {UPDATE_HINT}"
            yield Finding(pin.path, *mark(pin, "model"), CODE, message)
        return
    path, md5 = str(pin.model.get("path", "")), pin.md5
    if found.lock is None:
        message = f"{LOCK} is missing or unusable, so no training run produced this model"
        yield Finding(pin.path, *mark(pin, "model"), CODE, message)
        return
    produced = producer(found.stages, path)
    if produced is None:
        message = f"dvc.lock records no out '{path}'; {UPDATE_HINT}"
        yield Finding(pin.path, *mark(pin, "model", "path"), CODE, message)
    elif md5 != produced[1].hash:
        locked = produced[1].hash
        message = f"model.md5 {md5} is not what dvc.lock records for {path} ({locked})"
        message += f"; {UPDATE_HINT}"
        yield Finding(pin.path, *mark(pin, "model", "md5"), CODE, message)
