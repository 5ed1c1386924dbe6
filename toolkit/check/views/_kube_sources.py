"""Where a deployment's images come from beyond its own manifests.

- An Argo CD ``Application`` (``argoproj.io``) overrides images of the kustomize tree it
  syncs: ``spec.source.kustomize.images`` and each of ``spec.sources[]`` (an
  ``ApplicationSet``: the same under ``spec.template.spec``; a parameter override file
  ``.argocd-source[-<app>].yaml``: its top-level ``kustomize.images``), each entry written as
  ``[<name>=]<image>[:<tag>][@<digest>]``.
- A kustomization pulls manifests from elsewhere: a remote ``resources:`` (or
  ``bases:``, ``components:``) entry (a URL, ``git@host:...``, ``github.com/org/repo``)
  and each ``helmCharts:`` entry, which renders a chart's templates. Neither can be
  read offline, so the images they deploy cannot be verified here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from toolkit.check.yamlsource import YList, YMap

if TYPE_CHECKING:
    from dataclasses import dataclass

    from toolkit.check.views.kube import KustomizeImage
else:
    from toolkit.check._record import dataclass

ARGO_API = re.compile(r"(?m)^\s*apiVersion:\s*['\"]?argoproj\.io/")
ARGO_KIND = re.compile(r"(?m)^\s*kind:\s*['\"]?(Application|ApplicationSet)['\"]?\s*$")
# A remote kustomize target: a URL, git over ssh, go-getter's ``git::``, or a host name
# (with a dot and a top-level domain) leading a path, as ``github.com/org/repo//dir``.
_REMOTE = re.compile(
    r"(?i)\A(?:[a-z][a-z0-9+.-]*://|git@|git::|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?::\d+)?/)"
)
ARGO_OVERRIDES = re.compile(r"(^|/)\.argocd-source(-[^/]*)?\.ya?ml\Z")
_LOCAL_FILE = re.compile(r"(?i)\.(?:ya?ml|json)\Z")


@dataclass(frozen=True)
class Remote:
    """A kustomization entry whose manifests live elsewhere: a remote resource or a chart."""

    path: str
    line: int
    column: int
    what: str  # "resource" (also a remote base or component) or "Helm chart"
    reference: str


def is_argo(text: str) -> bool:
    """Whether ``text`` may hold an Argo CD Application or ApplicationSet."""
    return ARGO_API.search(text) is not None and ARGO_KIND.search(text) is not None


def argo_images(path: str, sources: list[YMap]) -> Iterator[KustomizeImage]:
    """The kustomize image overrides of an Argo CD Application's sources."""
    for source in sources:
        kustomize = source.get("kustomize")
        images = kustomize.get("images") if isinstance(kustomize, YMap) else None
        scope = _scope(path, source)
        for item in images if isinstance(images, YList) else []:
            entry = _override(path, item, scope) if isinstance(item, str) else None
            if entry is not None:
                yield entry


def override_sources(path: str, documents: list[Any]) -> list[tuple[str, list[YMap]]]:
    """An Argo CD parameter override file (``.argocd-source.yaml`` or
    ``.argocd-source-<app>.yaml`` in a source's folder, as Argo CD Image Updater writes it)
    as one source: its ``helm:`` and ``kustomize:`` override the Application's."""
    if not ARGO_OVERRIDES.search(path) or not documents or not isinstance(documents[0], YMap):
        return []
    return [("the Argo CD parameter override file", [documents[0]])]


def argo_sources(doc: Any) -> tuple[str, list[YMap]]:
    """An Argo CD Application's (or ApplicationSet's template's) sources, and its name as
    ``Argo CD Application <name>`` (no sources for anything else)."""
    kind = str(doc.get("kind")) if isinstance(doc, YMap) else ""
    if kind not in ("Application", "ApplicationSet"):
        return "", []
    metadata = doc.get("metadata")
    name = metadata.get("name") if isinstance(metadata, YMap) else None
    spec = doc.get("spec")
    if kind == "ApplicationSet":
        template = spec.get("template") if isinstance(spec, YMap) else None
        spec = template.get("spec") if isinstance(template, YMap) else None
    if not isinstance(spec, YMap):
        return "", []
    sources = spec.get("sources")
    found = [spec.get("source"), *(sources if isinstance(sources, YList) else [])]
    label = f"Argo CD {kind} {name}" if isinstance(name, str) else f"Argo CD {kind}"
    return label, [source for source in found if isinstance(source, YMap)]


def _scope(path: str, source: YMap) -> str:
    """The folder whose build an override rewrites: the source's ``path``, or the folder of
    a parameter override file."""
    import posixpath

    if ARGO_OVERRIDES.search(path):
        return path.rsplit("/", 1)[0] if "/" in path else ""
    folder = source.get("path")
    if not isinstance(folder, str) or not folder.strip():
        return ""
    normal = posixpath.normpath(folder.strip().strip("/"))
    return "" if normal == "." else normal


def _templated(text: str) -> bool:
    return "{{" in text or "$" in text


def _override(path: str, text: str, scope: str) -> KustomizeImage | None:
    """``[<name>=]<image>[:<tag>][@<digest>]`` as kustomize ``images:`` fields (None: a
    template still to be filled in, or no image named)."""
    from toolkit.check.views.kube import KustomizeImage

    if _templated(text):
        return None
    line, column = getattr(text, "line", 1), getattr(text, "col", 1)
    old, equals, new = text.strip().partition("=")
    if not equals:
        old, new = "", old
    reference, at, digest = new.partition("@")
    head, colon, tag = reference.rpartition(":")
    image, tag_or_none = (head, tag) if colon and "/" not in tag else (reference, None)
    if not image.strip():
        return None
    name = old or image
    new_name = image if old and image != old else None
    return KustomizeImage(
        path,
        line,
        column,
        name,
        new_name,
        tag_or_none,
        digest if at else None,
        (line, column),
        "Argo CD",
        str(text).strip(),
        scope,
    )


def remotes(path: str, root: YMap) -> Iterator[Remote]:
    """Remote ``resources:``/``bases:``/``components:`` entries and ``helmCharts:``."""
    for key in ("resources", "bases", "components"):
        entries = root.get(key)
        for entry in entries if isinstance(entries, YList) else []:
            if isinstance(entry, str) and is_remote(entry):
                line, column = getattr(entry, "line", root.line), getattr(entry, "col", 1)
                yield Remote(path, line, column, "resource", str(entry).strip())
    charts = root.get("helmCharts")
    for chart in charts if isinstance(charts, YList) else []:
        if isinstance(chart, YMap):
            yield Remote(path, chart.line, chart.col, "Helm chart", _chart(chart))


def is_remote(entry: str) -> bool:
    """Whether a kustomize ``resources:`` entry names something outside the repository."""
    text = entry.strip()
    if "://" in text or text.startswith(("git@", "git::")):
        return True
    return _REMOTE.match(text) is not None and _LOCAL_FILE.search(text) is None


def _chart(chart: YMap) -> str:
    name = chart.get("name")
    described = str(name) if isinstance(name, str) else "(unnamed)"
    version = chart.get("version")
    if version is not None and not isinstance(version, (YMap, YList)):
        described += f" {version}"
    repo = chart.get("repo")
    if isinstance(repo, str) and repo.strip():
        described += f" from {repo.strip()}"
    return described
