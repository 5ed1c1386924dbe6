"""The serving manifests view: KServe resources and Kustomize files, as far as images go.

Any YAML file outside ``.github/`` may hold one. A file is parsed only when a cheap
scan finds a KServe kind (``ServingRuntime``, ``ClusterServingRuntime``,
``InferenceService``) or it is a ``kustomization.yaml``; every other YAML file is an
empty view, never a parse error (it is not this view's to judge). A KServe manifest
that is not YAML until someone fills it in (Helm's ``{{ ... }}``, a sample's
``{username}/image``) is skipped as well; KServe's own ``{{.Name}}`` arguments are fine.
Only a ``kustomization.yaml`` that does not parse is a finding: kustomize must read it.
An Argo CD ``Application`` or ``ApplicationSet`` is parsed too, for the kustomize image
overrides it applies (:mod:`toolkit.check.views._kube_sources`) and the Helm values it
gives a chart (:mod:`toolkit.check.views._helm_sources`, as a kustomization's
``helmCharts:`` does).

``parse`` returns a :class:`Manifests`: the images each KServe resource names
(every ``image:`` under its ``spec``), the ``images:`` entries of a kustomization and
the image overrides of an Argo CD Application, the resources a kustomization deletes
with an inline ``$patch: delete``, the remote resources and Helm charts it pulls, and
the images Helm values set (with the values files of this repository they name).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from toolkit.check.findings import ParseError
from toolkit.check.views._helm_sources import HelmValues, argo_helm, chart_helm
from toolkit.check.views._kube_patches import inline_patch_images, patch_file_images
from toolkit.check.views._kube_refs import References, deleted_objects, inline_deletes, references
from toolkit.check.views._kube_slots import placed_images
from toolkit.check.views._kube_sources import (
    ARGO_OVERRIDES,
    Remote,
    argo_images,
    argo_sources,
    is_argo,
    override_sources,
    remotes,
)
from toolkit.check.yamlsource import YList, YMap

if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from toolkit.check._record import dataclass

SERVING_KINDS = ("ServingRuntime", "ClusterServingRuntime", "InferenceService")
# Workload kinds: their container images count where kustomize deploys them (the rule says).
WORKLOAD_KINDS = (
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
    "CronJob",
    "Pod",
    "ReplicationController",
)
_KIND = re.compile(
    r"(?m)^\s*kind:\s*['\"]?(ServingRuntime|ClusterServingRuntime|InferenceService)\b"
)
_WORKLOAD = re.compile(r"(?m)^\s*kind:\s*['\"]?(" + "|".join(WORKLOAD_KINDS) + r")['\"]?\s*$")
# Any object with a container list (a CRD such as an Argo Rollout, a Knative Service): its
# images count where a kustomization deploys the file.
_CONTAINERS = re.compile(r"(?m)^[\s-]*(?:init|ephemeral)?[cC]ontainers:")
# A JSON 6902 patch that sets an image: ``path: /spec/.../image`` or ``.../containers/<n>``.
_IMAGE_OP = re.compile(
    r"(?m)^[\s-]*path:\s*['\"]?/\S*/(?:image|(?:init|ephemeral)?[cC]ontainers/(?:\d+|-))['\"]?\s*$"
)
# A KServe object, not a CRD that merely names the kind (``names.kind: InferenceService``).
_API = re.compile(r"(?m)^\s*apiVersion:\s*['\"]?serving\.kserve\.io/")
_KUSTOMIZATION = re.compile(r"(^|/)kustomization\.ya?ml\Z")
DIGEST = re.compile(r"sha256:[0-9a-f]{64}\Z")


@dataclass(frozen=True)
class Image:
    """An ``image:`` of a KServe resource: the reference and where it is written."""

    path: str
    line: int
    column: int
    reference: str
    kind: str
    name: str
    slot: str = ""
    index: str = ""
    transformable: bool = False

    @property
    def repository(self) -> str:
        """The reference without its tag and digest (what kustomize ``images:`` matches)."""
        return repository_of(self.reference)

    @property
    def pinned(self) -> bool:
        head, at, digest = self.reference.rpartition("@")
        return bool(head and at) and DIGEST.match(digest) is not None


@dataclass(frozen=True)
class KustomizeImage:
    """One entry of a kustomization's ``images:`` list, or an image override of an Argo CD
    Application (``origin``), as ``written`` there."""

    path: str
    line: int
    column: int
    name: str
    new_name: str | None
    new_tag: str | None
    digest: str | None
    tag_mark: tuple[int, int]
    origin: str = "kustomization"
    written: str = ""
    scope: str = ""  # an Argo CD override: the folder (source path) whose build it rewrites

    @property
    def sets(self) -> bool:
        """Whether the entry changes the image at all (a bare ``name`` does not)."""
        return any(v is not None for v in (self.new_name, self.new_tag, self.digest))


@dataclass(frozen=True)
class Manifests:
    """What one YAML file says about serving images (empty for unrelated files)."""

    path: str
    images: tuple[Image, ...] = ()
    kustomize_images: tuple[KustomizeImage, ...] = ()
    deletes: tuple[tuple[str, str], ...] = ()
    remotes: tuple[Remote, ...] = ()
    helm: HelmValues = HelmValues()
    refs: References = References()


def repository_of(reference: str) -> str:
    """An image reference without its tag and digest."""
    bare = reference.split("@", 1)[0]
    head, _, tail = bare.rpartition(":")
    return head if head and "/" not in tail else bare


def match(path: str) -> bool:
    return path.endswith((".yaml", ".yml")) and not path.startswith(".github/")


def parse(path: str, text: str) -> Manifests:
    kustomization = _KUSTOMIZATION.search(path) is not None
    serving = _KIND.search(text) is not None and _API.search(text) is not None
    argo = is_argo(text) or ARGO_OVERRIDES.search(path) is not None
    wanted = (_WORKLOAD, _IMAGE_OP, _CONTAINERS)
    if not (kustomization or serving or argo or any(r.search(text) for r in wanted)):
        return Manifests(path)
    from toolkit.check.yamlsource import load

    try:
        documents = load(path, text).documents
    except (ParseError, IndexError) as err:
        if not kustomization or "{{" in text:
            # A template (Helm's {{ }}, a sample's {username}) is no manifest yet; only a
            # kustomization, which kustomize itself must read, is a parse finding.
            return Manifests(path)
        if isinstance(err, ParseError):
            raise
        raise ParseError("invalid YAML: unexpected end of file", text.count("\n") + 1) from None
    images = tuple(image for doc in documents for image in _images(path, doc))
    images += tuple(image for doc in documents for image in patch_file_images(path, doc))
    lines = text.splitlines()
    if not kustomization:
        apps = [argo_sources(doc) for doc in documents] + override_sources(path, documents)
        overrides = tuple(entry for _, found in apps for entry in argo_images(path, found))
        helm = [argo_helm(path, label, found, lines) for label, found in apps]
        deletes = deleted_objects(documents)
        return Manifests(path, images, overrides, deletes, helm=_joined(helm))
    root = documents[0] if documents and isinstance(documents[0], YMap) else YMap()
    images += tuple(inline_patch_images(path, root, lines))
    entries = tuple(_kustomize_images(path, root))
    found = tuple(remotes(path, root))
    chart = chart_helm(path, root, lines)
    return Manifests(path, images, entries, inline_deletes(root), found, chart, references(root))


def _joined(parts: list[HelmValues]) -> HelmValues:
    return HelmValues(
        tuple(image for part in parts for image in part.images),
        tuple(file for part in parts for file in part.files),
    )


def _images(path: str, doc: Any) -> Iterator[Image]:
    """Every ``image:`` of a KServe or workload object; the container images of any other."""
    if not isinstance(doc, YMap) or not isinstance(doc.get("kind"), str):
        return
    kind = str(doc.get("kind"))
    every = kind in SERVING_KINDS or kind in WORKLOAD_KINDS
    metadata = doc.get("metadata")
    name = str(metadata.get("name")) if isinstance(metadata, YMap) else ""
    for placed in placed_images(doc.get("spec")):
        if every or placed.transformable or placed.position.rsplit(".", 1)[-1].startswith("ephem"):
            value = placed.value
            line, column = getattr(value, "line", doc.line), getattr(value, "col", doc.col)
            slot, index, transformable = placed.slot, placed.position, placed.transformable
            yield Image(path, line, column, str(value), kind, name, slot, index, transformable)


def _kustomize_images(path: str, root: YMap) -> Iterator[KustomizeImage]:
    entries = root.get("images")
    for entry in entries if isinstance(entries, YList) else []:
        if not isinstance(entry, YMap) or not isinstance(entry.get("name"), str):
            continue
        tag = entry.get("newTag")
        line, column = entry.pos("newTag")
        yield KustomizeImage(
            path,
            entry.line,
            entry.col,
            str(entry["name"]),
            _text(entry.get("newName")),
            _text(tag),
            _text(entry.get("digest")),
            (line, column),
        )


def _text(value: Any) -> str | None:
    return None if value is None or isinstance(value, (YMap, YList)) else str(value)
