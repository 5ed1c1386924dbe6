"""Where an ``image:`` sits in an object, so that a patch and kustomize's ``images:`` can
find it again.

A slot is the dotted path of the mapping that holds the image, with each list item
written ``key[<name>]`` (its ``name:``) in ``slot`` and ``key[#<n>]`` in ``index``: a
strategic-merge patch matches containers by name, a JSON 6902 patch by position. An
image is *transformable* when kustomize's ``images:`` (and Argo CD's kustomize image
overrides) can rewrite it: kustomize 5 rewrites only an ``image`` of an item of a
``containers`` or ``initContainers`` list, at any depth; never ``ephemeralContainers``
nor a KServe predictor's ``model.image`` (checked against ``kubectl kustomize`` 5.8).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, NamedTuple

TRANSFORMED_LISTS = ("containers", "initContainers")
_POINTER_INDEX = re.compile(r"\A(?:\d+|-)\Z")


class Placed(NamedTuple):
    """An ``image`` value, its slot by name and by position, and whether kustomize's
    ``images:`` rewrites it."""

    value: Any
    slot: str
    position: str
    transformable: bool


def placed_images(node: Any, slot: str = "spec", index: str = "spec") -> Iterator[Placed]:
    """Every string under an ``image`` key below ``node`` (at any depth), with its slot."""
    yield from _walk(node, slot, index, False)


def _walk(node: Any, slot: str, index: str, container: bool) -> Iterator[Placed]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "image" and isinstance(value, str):
                yield Placed(value, slot, index, container)
            elif isinstance(value, list):
                yield from _items(str(key), value, slot, index)
            else:
                yield from _walk(value, f"{slot}.{key}", f"{index}.{key}", False)


def _items(key: str, items: list[Any], slot: str, index: str) -> Iterator[Placed]:
    container = key in TRANSFORMED_LISTS
    for number, item in enumerate(items):
        name = item.get("name") if isinstance(item, dict) else None
        by_name = f"{key}[{name}]" if isinstance(name, str) else f"{key}[#{number}]"
        yield from _walk(item, f"{slot}.{by_name}", f"{index}.{key}[#{number}]", container)


def pointer_slot(pointer: str) -> tuple[str, bool]:
    """The ``index`` slot a JSON 6902 path names (``/spec/.../containers/0/image`` or the
    container itself), empty for an append (``/-``), and whether the image is transformable."""
    parts = [part for part in pointer.strip("/").split("/") if part]
    if parts and parts[-1] == "image":
        parts.pop()
    if not parts:
        return "", False
    container = len(parts) >= 2 and _POINTER_INDEX.match(parts[-1]) is not None
    transformable = container and parts[-2] in TRANSFORMED_LISTS
    if parts[-1] == "-":
        return "", transformable
    joined: list[str] = []
    for part in parts:
        if joined and part.isdigit():
            joined[-1] += f"[#{part}]"
        else:
            joined.append(part)
    return ".".join(joined), transformable
