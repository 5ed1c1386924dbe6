"""## What it does
Checks the lineage a model pin records against the `dvc.lock` that produced
its model: `source.stage` is the stage whose out is `model.path`,
`source.data` equals the data deps of that stage and of every stage upstream
of it (path and hash), `source.params` equals the stage's params, and
`source.commit` is a full 40-hex commit. For staging (or any pin whose md5 the
current lock records) that is the current `dvc.lock`; for an older model it is
the `dvc.lock` of the first commit that recorded its md5 (from `git log -S`).

## Why is this bad
The lineage is what an auditor reads to know which data and parameters made
the served model. Lineage that disagrees with the lock is worse than none.

## Example
```yaml
source:
  commit: 4b825dc642cb6eb9a060e54bf8d69288fbee4904
  stage: train
  data: {data/prepared: 8f9b03b91d705a1cd976073f04486cc8.dir}
  params: {train.c: 0.5}   # dvc.lock recorded train.c: 1.0
```

## Fix
Never edit lineage by hand: `python -m <package>.pins update staging` writes it
from `dvc.lock`, and `pins promote staging production` copies it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.views.dvc import DvcLock
from toolkit.check.views.pins import COMMIT, Pin, data_lineage, plain, producer, stage_params
from toolkit.rules._mod import lock_that_produced, mark, models

CODE = "MOD003"
NAME = "pin-lineage-mismatch"
FAMILY = "models"
SUMMARY = "A model pin's lineage (stage, data, params, commit) disagrees with dvc.lock"
VIEWS: tuple[str, ...] = ("pins", "dvc")


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Each pin's source block equals what the producing dvc.lock records."""
    del options
    found = models(project)
    for pin in found.pins:
        if pin.model is None or pin.md5 is None:
            continue
        source = pin.doc.get("source")
        if not isinstance(source, Mapping):
            message = "pin has no source (commit, stage, data, params) for its model"
            yield Finding(pin.path, *mark(pin, "model"), CODE, message)
            continue
        commit = str(source.get("commit", ""))
        if not COMMIT.match(commit):
            message = f"source.commit '{commit}' is not a full 40-hex commit; write all 40 digits"
            yield Finding(pin.path, *mark(pin, "source", "commit"), CODE, message)
        lock = lock_that_produced(found, pin)
        if lock is not None:
            yield from _against(pin, source, lock)


def _against(pin: Pin, source: Mapping[str, Any], lock: DvcLock) -> Iterator[Finding]:
    produced = producer(lock.stages, str(pin.model.get("path", "")) if pin.model else "")
    if produced is None:
        return  # MOD002 reports a path that no lock produces
    stage = produced[0]
    if str(source.get("stage")) != stage.name:
        message = (
            f"source.stage '{source.get('stage')}' is not '{stage.name}',"
            " the stage that produced the model; write that"
        )
        yield Finding(pin.path, *mark(pin, "source", "stage"), CODE, message)
    lineage = (("data", data_lineage(lock.stages, stage.name)), ("params", stage_params(stage)))
    for key, expected in lineage:
        recorded = plain(source.get(key) or {})
        recorded = recorded if isinstance(recorded, dict) else {}
        for name in sorted(set(recorded) | set(expected)):
            if name not in expected:
                message = (
                    f"source.{key} '{name}' is not in dvc.lock for stage {stage.name}; remove it"
                )
            elif name not in recorded:
                message = (
                    f"source.{key} lacks '{name}' ({expected[name]}) that dvc.lock records; add it"
                )
            elif recorded[name] != plain(expected[name]):
                have, want = recorded[name], expected[name]
                message = f"source.{key} '{name}' is {have} but dvc.lock records {want}; use that"
            else:
                continue
            yield Finding(pin.path, *mark(pin, "source", key, name), CODE, message)
