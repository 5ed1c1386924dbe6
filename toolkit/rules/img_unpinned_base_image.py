"""## What it does
Checks that every `FROM` of a Dockerfile or Containerfile names its base image
by digest (`@sha256:...`). Build arguments declared before the first `FROM`
are substituted; `FROM <earlier stage>` and `FROM scratch` are fine; a `FROM`
whose `ARG` has no default cannot be shown to be pinned and is reported. A
base that IMG002 reports (`latest`, or no tag and no digest) is left to it,
and a base given whole by an `ARG` default (`FROM ${BASE}`) is reported once,
at the `ARG`, however many stages use it.

## Why is this bad
A tag such as `python:3.12-slim` is re-pushed for every security update, so
the same Dockerfile builds a different image next week: training and serving
stop being reproducible, and a model can change behaviour with no commit.

## Example
```dockerfile
ARG CUDA=12.4.1
FROM nvidia/cuda:${CUDA}-runtime-ubuntu22.04
```

## Fix
Keep the tag for readers and pin the digest it resolves to
(`docker buildx imagetools inspect nvidia/cuda:12.4.1-runtime-ubuntu22.04`):
```dockerfile
FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04@sha256:<64 hex digits>
```
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.refs import parse_image
from toolkit.check.views.dockerfile import From
from toolkit.rules.img_latest_base_image import latest

CODE = "IMG001"
NAME = "unpinned-base-image"
FAMILY = "container-images"
SUMMARY = "A Dockerfile FROM does not pin its base image by digest"
FIXABLE = True
VIEWS = ("dockerfile",)


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    del options
    for dockerfile in project.views("dockerfile"):
        reported: set[tuple[int, int]] = set()
        for item in dockerfile.froms:
            message = _problem(item)
            if message is not None and item.written_at not in reported:
                reported.add(item.written_at)
                line, column = item.written_at
                yield Finding(dockerfile.path, line, column, CODE, message)


def _problem(item: From) -> str | None:
    if item.stage_ref or item.resolved.lower() == "scratch" or not item.resolved:
        return None
    if item.unresolved:
        return f"base image {item.image} depends on an ARG without a default; give the ARG one"
    image = parse_image(item.resolved)
    if image.pinned or latest(image):
        return None  # pinned, or IMG002's finding, whose fix pins it too
    return f"base image {item.resolved} is not pinned by digest; add @sha256:<digest> (--fix)"
