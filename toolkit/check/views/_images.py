"""What an image reference says about the Python and the CUDA inside it.

One reader for every place that names an image (a Dockerfile ``FROM``, a
workflow ``container:``, a dev container, a GitLab CI job), so that the
consistency rules get the same facts from each:

- Python: ``python:3.11-slim``, the dev container images
  ``devcontainers/python:1-3.11-bookworm``, and a ``py310`` part of any tag
  (``rayproject/ray:2.41.0-py310-cu118``);
- CUDA: ``nvidia/cuda:12.4.1-...``, a ``cuda12.1`` part
  (``pytorch/pytorch:2.1.0-cuda12.1-cudnn8-runtime``) and a ``cu118`` part of
  any tag (``rayproject/ray:2.41.0-py310-cu118``).
"""

from __future__ import annotations

import re

from toolkit.check._record import lazy_pattern
from toolkit.check.refs import parse_image

_PYTHON_TAG = lazy_pattern(r"(?:\d+-)?(\d+\.\d+(?:\.\d+)?)(?![\d.])")
_PY_PART = lazy_pattern(r"(?:^|[-_.])py(3)(\d{1,2})(?=$|[-_.])")
_CUDA = lazy_pattern(r"(?:^|/)(?:nvidia/)?cuda:(\d+\.\d+)|cuda[-_]?(\d+\.\d+)", re.IGNORECASE)
_CU_PART = lazy_pattern(r"(?:^|[-_.])cu(\d{2,3})(?=$|[-_.])")


def image_python(image: str) -> str | None:
    """The ``X.Y[.Z]`` Python an image is built around, when its name or tag says."""
    ref = parse_image(image)
    if ref.name.rsplit("/", 1)[-1] == "python" and ref.tag:
        found = _PYTHON_TAG.match(ref.tag)
        return found.group(1) if found else None
    part = _PY_PART.search(ref.tag)
    return f"{part.group(1)}.{part.group(2)}" if part else None


def image_cuda(image: str) -> str | None:
    """The ``X.Y`` CUDA an image is built with, when its name or tag says."""
    found = _CUDA.search(image.split("@", maxsplit=1)[0])
    if found:
        return found.group(1) or found.group(2)
    part = _CU_PART.search(parse_image(image).tag)
    if part is None:
        return None
    digits = part.group(1)
    return f"{digits[:-1]}.{digits[-1]}"
