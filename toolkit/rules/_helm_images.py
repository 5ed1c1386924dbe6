"""MOD006's Helm part: images that Helm values set by tag (see
:mod:`toolkit.check.views._helm_sources`), inline or in a values file of this repository."""

from __future__ import annotations

from collections.abc import Iterator

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.views._helm_sources import file_images
from toolkit.check.views._helm_values import HelmImage
from toolkit.check.views.kube import Manifests

_DIGEST = (
    "give its digest instead (sha256:<64 hex> in the chart's digest value,"
    " or <image>@sha256:<64 hex>)"
)


def helm_findings(project: Project, manifests: list[Manifests], code: str) -> Iterator[Finding]:
    """One finding per place where Helm values set an image without a valid digest."""
    images = [image for view in manifests for image in view.helm.images]
    ours = set(project.files_of("kube"))
    for named in (file for view in manifests for file in view.helm.files):
        text = project.text(named.path) if named.path in ours else None
        images += file_images(named, text) if text is not None else []
    seen: set[tuple[str, int, int]] = set()
    for image in images:
        if (image.path, image.line, image.column) not in seen:
            seen.add((image.path, image.line, image.column))
            yield Finding(image.path, image.line, image.column, code, _message(image))


def _message(image: HelmImage) -> str:
    value = f"{image.source} sets Helm value {image.key}: {image.value}"
    if image.problem == "tag":
        return f"{value}, so image {image.reference} runs by tag; {_DIGEST}"
    if image.problem == "no digest":
        picks = "a tag it does not name (the chart's, or latest) picks"
        return f"{value} with no digest, so {picks} image {image.reference}; {_DIGEST}"
    return f"{value}: image {image.reference} has a digest that is not sha256:<64 hex>"
