"""## What it does
Checks that every `FROM` of a Dockerfile or Containerfile names its base image
by digest (`@sha256:...`). Build arguments declared before the first `FROM`
are substituted; `FROM <earlier stage>` and `FROM scratch` are fine; a `FROM`
whose `ARG` has no default cannot be shown to be pinned and is reported.

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

CODE = "IMG001"
NAME = "unpinned-base-image"
FAMILY = "container-images"
SUMMARY = "A Dockerfile FROM does not pin its base image by digest"
FIXABLE = True
VIEWS = ("dockerfile",)


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    del options
    for dockerfile in project.views("dockerfile"):
        for item in dockerfile.froms:
            if item.stage_ref or item.resolved.lower() == "scratch" or not item.resolved:
                continue
            if item.unresolved:
                message = (
                    f"base image {item.image} depends on an ARG without a default; give the ARG one"
                )
            elif not parse_image(item.resolved).pinned:
                message = (
                    f"base image {item.resolved} is not pinned by digest; "
                    "add @sha256:<digest> (--fix)"
                )
            else:
                continue
            yield Finding(dockerfile.path, item.line, item.col, CODE, message)
