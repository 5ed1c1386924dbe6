"""## What it does
Reports a `FROM` whose base image is tagged `latest`, or has no tag and no
digest (which Docker reads as `latest`). A base given whole by an `ARG`
default (`FROM ${BASE}`) is reported once, at the `ARG`.

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
from toolkit.check.refs import ImageRef, parse_image

CODE = "IMG002"
NAME = "latest-base-image"
FAMILY = "container-images"
SUMMARY = "A Dockerfile FROM uses the latest tag, or no tag at all"
VIEWS = ("dockerfile",)


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    del options
    for dockerfile in project.views("dockerfile"):
        reported: set[tuple[int, int]] = set()
        for item in dockerfile.froms:
            if item.stage_ref or item.unresolved or item.resolved.lower() in ("scratch", ""):
                continue
            image = parse_image(item.resolved)
            if not latest(image) or item.written_at in reported:
                continue
            reported.add(item.written_at)
            if image.tag == "latest":
                message = (
                    f"base image {image.name} uses the latest tag; name an exact tag and its digest"
                )
            else:
                message = (
                    f"base image {image.name} has no tag, so it means latest; "
                    "name an exact tag and its digest"
                )
            line, column = item.written_at
            yield Finding(dockerfile.path, line, column, CODE, message)


def latest(image: ImageRef) -> bool:
    """Tagged ``latest``, or neither tagged nor pinned by digest (which Docker reads as it)."""
    return image.tag == "latest" or (not image.tag and not image.digest)
