"""The images a Helm chart is given through its values, found in the shapes charts use.

Helm values name an image in a few common shapes, at any depth:

- a map under an image-like key (``image``, ``initImage``, ``sidecar_image``) with any of
  ``registry``, ``repository`` (or ``repo``, ``image``, ``name``), ``tag`` and ``digest``
  (Bitnami's ``image: {registry:, repository:, tag:, digest:}``, the common
  ``image: {repository:, tag:}``, ingress-nginx's ``image: {image:, tag:, digest:}``);
- a map whose ``image`` is a string beside a ``tag`` or ``digest`` (KServe's chart:
  ``controller: {image: kserve/kserve-controller, tag: v0.14.0}``), or a ``repository``
  beside a ``tag``;
- a string under an image-like key: ``image: ghcr.io/acme/serve:1.2``.

An image is judged as the values compose it: a valid digest (a digest value, or
``@sha256:<64 hex>`` in the repository or tag) is fine; otherwise a tag is a finding at the
tag, and a repository with neither is one at the repository (the chart's own tag then
picks the image). A ``tag:`` that belongs to no image (no image-like key above it, no
repository beside it) is not an image's, and values still to be filled in by a template
(``{{ }}``, ``${ }``) are skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from toolkit.check.refs import ImageRef, parse_image

if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from toolkit.check._record import dataclass

_REPOSITORY_KEYS = ("repository", "repo", "image", "name")
_TAG_KEYS = ("tag", "imageTag", "image_tag")
_DIGEST_KEYS = ("digest", "imageDigest", "image_digest")
# Where a value is written in its file, given the value (a values text may be embedded).
Placer = Callable[[Any], tuple[int, int]]


@dataclass(frozen=True)
class HelmImage:
    """An image that Helm values set without a valid digest, and where that is written."""

    path: str
    line: int
    column: int
    key: str  # the dotted key of the value at that place, as ``image.tag``
    value: str
    reference: str  # the image as the values compose it
    problem: str  # "tag", "no digest" or "bad digest"
    source: str  # what hands these values to a chart, as ``Argo CD Application churn``


def placed(value: Any) -> tuple[int, int]:
    """The position a value of a parsed file carries (1, 1 when it carries none)."""
    return getattr(value, "line", 1), getattr(value, "col", 1)


def values_images(path: str, tree: Any, source: str, place: Placer = placed) -> list[HelmImage]:
    """Every image of the values ``tree`` that is not set by a valid digest."""
    return list(_walk(tree, (), Where(path, source, place)))


@dataclass(frozen=True)
class Where:
    """The file the values are written in, what hands them over, and how to place a value."""

    path: str
    source: str
    place: Placer


def _walk(node: Any, keys: tuple[str, ...], where: Where) -> Iterator[HelmImage]:
    if isinstance(node, Mapping):
        roles = _image_roles(node, keys)
        if roles:
            yield from _judge(node, roles, keys, where)
        for key, value in node.items():
            if key in roles.values():
                continue
            if _image_like(str(key)) and _text(value):
                yield from _judge(node, {"repository": str(key)}, keys, where)
            else:
                yield from _walk(value, (*keys, str(key)), where)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _walk(item, (*keys, str(index)), where)


def _image_like(key: str) -> bool:
    """``image``, ``initImage``, ``sidecar_image``; not ``imagePullPolicy`` nor ``images``."""
    return key.lower().endswith("image")


def _image_roles(node: Mapping[Any, Any], keys: tuple[str, ...]) -> dict[str, str]:
    """Which keys of ``node`` give an image's parts, if ``node`` describes an image."""
    under_image = bool(keys) and _image_like(keys[-1])
    roles: dict[str, str] = {}
    for role, names in (
        ("repository", _REPOSITORY_KEYS),
        ("tag", _TAG_KEYS),
        ("digest", _DIGEST_KEYS),
        ("registry", ("registry",)),
    ):
        for name in names:
            if _scalar(node.get(name)) and (name != "name" or under_image):
                roles[role] = name
                break
    if under_image:
        return roles
    repository = roles.get("repository")
    if repository == "image" and ("tag" in roles or "digest" in roles):
        return roles
    if repository == "repository" and "tag" in roles and _image_name(_text(node[repository])):
        return roles
    return {}


def _image_name(text: str) -> bool:
    """Whether a ``repository`` beside a ``tag`` names an image, not a git or chart source."""
    return not any(mark in text for mark in ("://", "git@", " ")) and not text.endswith(".git")


def _scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def _text(value: Any) -> str:
    """A scalar as written (``1.10`` stays ``1.10``); ``""`` for anything else."""
    if not _scalar(value):
        return ""
    return str(getattr(value, "raw", value)).strip()


def _templated(text: str) -> bool:
    return "{{" in text or "${" in text


def _valid(digest: str) -> bool:
    return ImageRef("", "", digest).pinned


def _judge(
    node: Mapping[Any, Any], roles: dict[str, str], keys: tuple[str, ...], where: Where
) -> Iterator[HelmImage]:
    """The finding for one image whose parts ``roles`` names in ``node`` (none if pinned)."""
    parts = {role: _text(node[key]) for role, key in roles.items()}
    if any(_templated(text) for text in parts.values()):
        return
    repository = parse_image(parts.get("repository", ""))
    tag, digest = parts.get("tag") or repository.tag, parts.get("digest") or repository.digest
    if not (repository.name or tag or digest):
        return  # nothing chosen here (``tag: ""``): the chart's defaults stand
    if "@" in tag:
        tag, _, digest = tag.partition("@")
    if _valid(digest) or (not digest and _valid(tag)):
        return
    if digest:
        problem = "bad digest"
        role = "digest" if parts.get("digest") else "tag" if "@" in parts.get("tag", "") else ""
    else:
        problem = "tag" if tag else "no digest"
        role = "tag" if parts.get("tag") else ""
    key = roles.get(role or "repository", "")
    registry = parts.get("registry", "")
    name = repository.name or "the chart's image"
    reference = f"{registry}/{name}" if registry and repository.name else name
    reference += (f":{tag}" if tag else "") + (f"@{digest}" if digest else "")
    line, column = where.place(node[key])
    dotted = ".".join((*keys, key))
    yield HelmImage(
        where.path, line, column, dotted, _text(node[key]), reference, problem, where.source
    )
