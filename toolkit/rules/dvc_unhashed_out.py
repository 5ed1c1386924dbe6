"""## What it does
Reports an output of a `.dvc` file, or of a stage in `dvc.lock`, that has no
content hash (`md5`, or `etag`/`checksum` for cloud-versioned outputs).

## Why is this bad
The hash is the pin: it is what `dvc pull` fetches and what a deployment pin
names. An output without one pins nothing, and `dvc pull` cannot restore it.

## Example
```yaml
# data/raw.dvc
outs:
- path: raw
```

## Fix
Run `dvc add data/raw` (or `dvc commit`) so that dvc writes the hash, and
commit the `.dvc` file.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.views.dvc import DvcFile, DvcLock

CODE = "DVC004"
NAME = "unhashed-dvc-out"
FAMILY = "dvc"
SUMMARY = "A .dvc file or dvc.lock output has no content hash"
VIEWS: tuple[str, ...] = ("dvc",)


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Every out of every ``.dvc`` file and locked stage needs a hash."""
    del options
    for view in project.views("dvc"):
        if isinstance(view, DvcFile):
            for out in view.outs:
                if out.hash is None:
                    message = f"out '{out.path}' has no hash; run `dvc add` or `dvc commit`"
                    yield Finding(view.path, out.line, out.column, CODE, message)
        elif isinstance(view, DvcLock):
            for stage in view.stages:
                for out in stage.outs:
                    if out.hash is None:
                        message = (
                            f"out '{out.path}' of stage '{stage.name}' has no hash; "
                            "run `dvc repro` or `dvc commit`"
                        )
                        yield Finding(view.path, out.line, out.column, CODE, message)
