"""## What it does
Checks that the images of job `container:` and `services:`, of `docker://`
steps and of Docker actions (`runs.image: docker://...`) are pinned by digest
(`@sha256:...`).

## Why is this bad
An image tag, like a git tag, can be pushed again: the job then runs a
different operating system, toolchain or service than the one it was tested
with, and a compromised registry account changes your CI without a commit.

## Example
```yaml
jobs:
  test:
    container: python:3.12-slim
    services:
      db:
        image: postgres:16
```

## Fix
Keep the tag for readers and pin the digest it resolves to
(`docker buildx imagetools inspect python:3.12-slim`):
```yaml
    container: python:3.12-slim@sha256:<64 hex digits>
```
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.refs import is_expression, parse_image
from toolkit.rules._gha import GHA_VIEWS, finding_at, images

CODE = "GHA004"
NAME = "unpinned-image"
FAMILY = "github-actions"
SUMMARY = "A container, service or docker:// image is not pinned by digest"
FIXABLE = True
VIEWS = GHA_VIEWS


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    del options
    for found in images(project):
        value = str(found.value).strip()
        if not value or is_expression(value) or parse_image(value).pinned:
            continue
        name = value.removeprefix("docker://")
        yield finding_at(
            found, CODE, f"image {name} is not pinned by digest; add @sha256:<digest> (--fix)"
        )
