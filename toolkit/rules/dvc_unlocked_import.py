"""## What it does
Reports a `dvc import` whose `repo:` block has no `rev_lock` (the exact commit
that was imported), and a `dvc import-url` dependency with no checksum
(`md5`, `etag` or `checksum`).

## Why is this bad
Without `rev_lock`, `dvc update` and `dvc pull` follow whatever the branch or
tag points to today, so the same commit of this repository can bring in
different data tomorrow.

## Example
```yaml
# data/features.dvc
deps:
- path: data/features
  repo:
    url: https://github.com/acme/feature-store
    rev: main
```

## Fix
Re-run `dvc import` (or `dvc update --rev <tag>`), which records `rev_lock`,
and commit the `.dvc` file.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.views.dvc import DvcFile

CODE = "DVC005"
NAME = "unlocked-dvc-import"
FAMILY = "dvc"
SUMMARY = "A dvc import has no rev_lock, or an import-url has no checksum"
VIEWS: tuple[str, ...] = ("dvc",)


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Each imported dependency needs the exact revision or checksum it came from."""
    del options
    for view in project.views("dvc"):
        if not isinstance(view, DvcFile):
            continue
        for source in view.imports:
            if not source.rev_lock:
                message = (
                    f"import from {source.url or 'a repository'} has no rev_lock; "
                    "run `dvc update` to lock it"
                )
                yield Finding(view.path, source.line, source.column, CODE, message)
        if view.imports:
            continue
        for dep in view.deps:
            if "://" in dep.path and dep.hash is None:
                message = (
                    f"import-url dependency '{dep.path}' has no checksum; "
                    "run `dvc update` to record it"
                )
                yield Finding(view.path, dep.line, dep.column, CODE, message)
