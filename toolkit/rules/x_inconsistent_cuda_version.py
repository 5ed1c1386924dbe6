"""## What it does
Collects every CUDA version the repository names and checks that they agree:
GPU base images and the images of workflow jobs, dev containers and GitLab CI
jobs (`nvidia/cuda:12.4.1-...`, `pytorch/pytorch:...-cuda12.4-...`, a `cu118`
part of any tag such as `rayproject/ray:2.41.0-py310-cu118`), a dev container's
`nvidia-cuda` feature (`cudaVersion`),
torch wheel local tags (`torch==2.5.1+cu124`), the CUDA runtime wheel a lock
pins (`nvidia-cuda-runtime-cu12==12.8.90`), PyTorch index URLs
(`.../whl/cu124` in pip commands, requirements files and `pyproject.toml`),
Terraform variables, locals and arguments named like `cuda_version`, and GPU
image names such as `common-cu124`. A torch pinned from PyPI without a tag
counts with the CUDA its Linux wheel is built for, unless a wheel tag or index
beside it says where it comes from.

CUDA is compared per image and per install unit first: the mentions of one
Dockerfile stage chain, one workflow job, one requirements file or lock and the
units they install (`-r`, `COPY` and `pip install -r`, `uv sync`) must agree,
and the strongest of them (a wheel tag or index) is the reference. A unit with
nothing near it is compared with the rest of its project, naming every other
value found there. A variant (a file or folder named for `cu118`, `rocm6.1`,
`cpu`, `gpu`..., or indexed for one beside a sibling of another flavour) is
never compared with its siblings; a separate project (a nested git tree, a
folder with its own manifest or build context) never with another.

## Why is this bad
A torch wheel built for one CUDA on a driver or image made for another fails
at the first GPU call, or silently falls back to the CPU, in the training job
rather than in CI.

## Example
```dockerfile
FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04@sha256:...
# while requirements.lock pins torch==2.5.1+cu124
```

## Fix
Choose one CUDA version and use it for the image, the torch wheel (tag or
index URL) and the Terraform GPU image.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check._record import lazy_pattern
from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.views._images import image_cuda
from toolkit.check.views._pep440 import parse_version
from toolkit.check.views.mentions import (
    Mention,
    docker_images,
    hook_dependencies,
    lock_requirements,
    pyproject_index_urls,
    requirement_options,
    runtime_cudas,
    shell_installs,
)

CODE = "X002"
NAME = "inconsistent-cuda-version"
FAMILY = "consistency"
SUMMARY = "GPU images, torch wheels and Terraform name different CUDA versions"
VIEWS: tuple[str, ...] = (
    "pydeps",
    "workflow",
    "action",
    "dockerfile",
    "precommit",
    "tfversions",
    "runtime",
)

_TAG = lazy_pattern(r"\+cu(\d{2,3})\b")
_INDEX = lazy_pattern(r"/whl/(?:nightly/)?cu(\d{2,3})\b")
_RUNTIME = lazy_pattern(r"nvidia-cuda-runtime-cu\d+")
WHEEL = 1  # rank of a wheel tag, a CUDA runtime wheel or an index URL
INFERRED = 6  # rank of the CUDA a PyPI torch release is built with
TORCH_PACKAGES = frozenset({"torch", "torchvision", "torchaudio"})
# The CUDA of the default Linux x86-64 torch wheel on PyPI, by torch release.
PYPI_TORCH_CUDA = {
    "2.1": "12.1",
    "2.2": "12.1",
    "2.3": "12.1",
    "2.4": "12.1",
    "2.5": "12.4",
    "2.6": "12.4",
    "2.7": "12.6",
    "2.8": "12.8",
    "2.9": "12.8",
    "2.10": "12.8",
}


def cu_version(digits: str) -> str:
    """``124`` as ``12.4``, ``118`` as ``11.8``."""
    return f"{digits[:-1]}.{digits[-1]}"


def collect(project: Project) -> list[Mention]:
    """Every CUDA mention, with its version as ``X.Y``."""
    found = []
    for image in docker_images(project):
        version = image_cuda(image.value)
        if version:
            found.append(Mention(image.path, image.line, image.column, version, image.what, 2))
    found.extend(_torch(project))
    _, urls = shell_installs(project)
    for url in [*urls, *requirement_options(project), *pyproject_index_urls(project)]:
        match = _INDEX.search(url.value)
        if match:
            value = cu_version(match.group(1))
            found.append(Mention(url.path, url.line, url.column, value, "PyTorch index URL", 1))
    found.extend(_terraform(project))
    found.extend(runtime_cudas(project))
    return found


def _torch(project: Project) -> list[Mention]:
    installs, _ = shell_installs(project)
    found = []
    implicit = []
    for item in [*lock_requirements(project), *installs, *hook_dependencies(project)]:
        name, exact = item.requirement.name, item.requirement.exact
        if not exact:
            continue
        what = f"{name}=={exact}"
        runtime = _RUNTIME.fullmatch(name)
        tag = _TAG.search(exact)
        if runtime:
            version = parse_version(exact)
            if version is not None and len(version.release) >= 2:
                value = f"{version.release[0]}.{version.release[1]}"
                found.append(Mention(item.path, item.line, item.column, value, what, 1))
        elif name in TORCH_PACKAGES and tag:
            value = cu_version(tag.group(1))
            found.append(Mention(item.path, item.line, item.column, value, what, 1))
        elif name == "torch" and "+" not in exact:
            default = _pypi_cuda(exact)
            if default:
                label = f"{what} from PyPI (CUDA {default})"
                implicit.append(Mention(item.path, item.line, item.column, default, label, 6))
    with_runtime = {m.path for m in found if m.what.startswith("nvidia-cuda-runtime")}
    return found + [m for m in implicit if m.path not in with_runtime]


def _pypi_cuda(version_text: str) -> str | None:
    version = parse_version(version_text)
    release = version.release if version else ()
    return PYPI_TORCH_CUDA.get(".".join(map(str, release[:2])))


def _terraform(project: Project) -> list[Mention]:
    return project.each_file("tfversions", "cuda", lambda view, _: _cuda_in(view))


def _cuda_in(view: Any) -> list[Mention]:
    return [
        Mention(view.path, found.line, found.column, found.value, found.label, 3)
        for found in view.cuda
    ]


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Every CUDA mention against its image or unit, then against its project."""
    del options
    from toolkit.check.scope import scope_of
    from toolkit.check.scoped import disagreements, places

    mentions = _without_inferred_beside_explicit(project, collect(project))
    for mention, others in disagreements(scope_of(project), mentions, weak_rank=INFERRED):
        message = (
            f"CUDA {mention.value} here ({mention.what}), but {places(others, lambda m: m.value)};"
            " use one CUDA"
        )
        yield Finding(mention.path, mention.line, mention.column, CODE, message)


def _without_inferred_beside_explicit(project: Project, mentions: list[Mention]) -> list[Mention]:
    """Drop the CUDA inferred for a PyPI torch where its unit (or a linked one) names a
    wheel tag or an index: that torch comes from there, not from PyPI."""
    from toolkit.check.scope import scope_of

    scope = scope_of(project)
    wheels = {scope.unit_of(m.path, m.line).id for m in mentions if m.rank == WHEEL}
    kept = []
    for mention in mentions:
        reach = scope.linked(scope.unit_of(mention.path, mention.line))
        if mention.rank < INFERRED or not reach & wheels:
            kept.append(mention)
    return kept
