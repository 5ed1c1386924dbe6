"""## What it does
Reports a `FROM` whose base image is tagged `latest`, or has no tag and no
digest (which Docker reads as `latest`).

## Why is this bad
`latest` is whatever was pushed last: it says nothing about the version you
tested, changes under you, and cannot be updated deliberately by Renovate or
Dependabot. Even with a digest, a `latest` tag hides which version the digest
is.

## Example
```dockerfile
FROM python
FROM ghcr.io/astral-sh/uv:latest AS uv
```

## Fix
Name the version, and pin its digest (IMG001):
```dockerfile
FROM python:3.12.7-slim@sha256:<64 hex digits>
FROM ghcr.io/astral-sh/uv:0.5.4@sha256:<64 hex digits> AS uv
```
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.refs import parse_image

CODE = "IMG002"
NAME = "latest-base-image"
FAMILY = "container-images"
SUMMARY = "A Dockerfile FROM uses the latest tag, or no tag at all"
VIEWS = ("dockerfile",)


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    del options
    for dockerfile in project.views("dockerfile"):
        for item in dockerfile.froms:
            if item.stage_ref or item.unresolved or item.resolved.lower() in ("scratch", ""):
                continue
            image = parse_image(item.resolved)
            if image.tag == "latest":
                message = (
                    f"base image {image.name} uses the latest tag; name an exact tag and its digest"
                )
            elif not image.tag and not image.digest:
                message = (
                    f"base image {image.name} has no tag, so it means latest; "
                    "name an exact tag and its digest"
                )
            else:
                continue
            yield Finding(dockerfile.path, item.line, item.col, CODE, message)
