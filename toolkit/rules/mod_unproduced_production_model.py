"""## What it does
Checks that every pin other than staging (production, and any other
environment) names a model that some `dvc.lock` in the repository's history
produced: its md5 equals the staging pin's, or one the current `dvc.lock`
records, or one that a commit in the history of `dvc.lock` added (found with
`git log -S<md5> -- dvc.lock`, one git call, only when the first two fail).

## Why is this bad
Production changes only by a reviewed pull request that promotes a model the
pipeline made. A hash that no lock ever recorded was uploaded or typed by hand:
nobody can reproduce it, and its lineage is fiction.

## Example
```yaml
# deploy/production.yaml
environment: production
model:
  path: models/model.joblib
  md5: 0123456789abcdef0123456789abcdef   # no dvc.lock ever recorded it
```

## Fix
Promote a trained model: `python -m <package>.pins promote staging production`
in a pull request. In a shallow clone the history is not there to search:
check out with `fetch-depth: 0`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.views.pins import MD5, commit_that_locked, is_shallow
from toolkit.rules._mod import mark, models

CODE = "MOD004"
NAME = "unproduced-production-model"
FAMILY = "models"
SUMMARY = "A production pin names a model that no dvc.lock in git history produced"
VIEWS: tuple[str, ...] = ("pins", "dvc")


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Non-staging pins name a model hash that staging, dvc.lock or its history holds."""
    del options
    found = models(project)
    staging = found.pin("staging")
    known = found.locked_hashes() | ({staging.md5} if staging and staging.md5 else set())
    for pin in found.pins:
        md5 = pin.md5
        if pin.environment == "staging" or md5 is None or not MD5.match(md5) or md5 in known:
            continue
        if commit_that_locked(found.history_root(), md5) is not None:
            continue
        if is_shallow(found.history_root()):
            message = (
                f"model.md5 {md5} is not in this shallow clone's dvc.lock history;"
                " check out with fetch-depth: 0"
            )
        else:
            message = (
                f"model.md5 {md5} was never recorded by dvc.lock in this repository's history;"
                " promote a model that training produced"
            )
        yield Finding(pin.path, *mark(pin, "model", "md5"), CODE, message)
