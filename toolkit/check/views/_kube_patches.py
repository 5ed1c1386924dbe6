"""Images that kustomize patches set: JSON 6902 operations and strategic-merge patches.

A patch is inline in a kustomization (``patches:``, ``patchesJson6902:``,
``patchesStrategicMerge:`` entries with a ``patch:`` string) or a file of its own.
A JSON 6902 ``replace`` or ``add`` whose ``path`` ends in ``/image`` sets that image;
``/containers/<n>`` (or ``/-``) with a mapping value sets its ``image``. A
strategic-merge patch is a partial object: every ``image:`` under its ``spec``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from toolkit.check.views._kube_slots import Placed, placed_images, pointer_slot
from toolkit.check.yamlsource import YList, YMap

if TYPE_CHECKING:
    from toolkit.check.views.kube import Image

_CONTAINER = re.compile(r"/(?:init|ephemeral)?[cC]ontainers/(?:\d+|-)\Z")
_SETS = ("add", "replace")


def patch_file_images(path: str, doc: Any) -> Iterator[Image]:
    """The images a JSON 6902 patch file (a list of operations) sets."""
    if isinstance(doc, YList):
        for op, placed in _operations(doc):
            value = placed.value
            line, column = getattr(value, "line", op.line), getattr(value, "col", op.col)
            yield _image(path, line, column, placed, path.rsplit("/", 1)[-1])


def inline_patch_images(path: str, root: YMap, lines: list[str]) -> Iterator[Image]:
    """The images the inline patches of a kustomization set, placed on their lines."""
    import yaml

    for key in ("patches", "patchesJson6902", "patchesStrategicMerge"):
        entries = root.get(key)
        for entry in entries if isinstance(entries, YList) else []:
            text = entry.get("patch") if isinstance(entry, YMap) else entry
            if not isinstance(text, str) or "image" not in text:
                continue
            try:
                doc = yaml.safe_load(text)
            except yaml.YAMLError:
                continue
            start = entry.pos("patch")[0] if isinstance(entry, YMap) else root.pos(key)[0]
            name = _target(entry, doc)
            for placed in _set_by(doc):
                value = str(placed.value)
                line = start + _line_of(text, value)
                raw = lines[line - 1] if 0 < line <= len(lines) else ""
                yield _image(path, line, raw.find(value) + 1 or 1, placed, name)


def _operations(doc: list[Any]) -> Iterator[tuple[Any, Placed]]:
    for op in doc:
        if not isinstance(op, dict) or op.get("op") not in _SETS:
            continue
        where, value = str(op.get("path", "")), op.get("value")
        index, transformable = pointer_slot(where)
        if where.endswith("/image") and isinstance(value, str):
            yield op, Placed(value, "", index, transformable)
        elif (
            _CONTAINER.search(where)
            and isinstance(value, dict)
            and isinstance(value.get("image"), str)
        ):
            yield op, Placed(value["image"], "", index, transformable)


def _set_by(doc: Any) -> Iterator[Placed]:
    if isinstance(doc, list):
        yield from (placed for _, placed in _operations(doc))
    elif isinstance(doc, dict) and doc.get("$patch") != "delete":
        yield from placed_images(doc.get("spec"))


def _target(entry: Any, doc: Any) -> str:
    target = entry.get("target") if isinstance(entry, YMap) else None
    if isinstance(target, dict) and target.get("name"):
        return f"{target.get('kind', '')} {target['name']}".strip()
    metadata = doc.get("metadata") if isinstance(doc, dict) else None
    if isinstance(doc, dict) and isinstance(metadata, dict) and metadata.get("name"):
        return f"{doc.get('kind', '')} {metadata['name']}".strip()
    return "inline"


def _line_of(text: str, value: str) -> int:
    """The line, counted from the ``patch:`` key, where ``value`` is written in ``text``."""
    for number, line in enumerate(text.splitlines(), 1):
        if value in line:
            return number
    return 0


def _image(path: str, line: int, column: int, placed: Placed, name: str) -> Image:
    """An image a patch sets (its kind is ``patch``; ``name`` says which object, as
    ``<kind> <name>``, ``<name>``, ``<kind>``, or the patch file's name when untargeted)."""
    from toolkit.check.views.kube import Image

    value = str(placed.value)
    return Image(
        path, line, column, value, "patch", name, placed.slot, placed.position, placed.transformable
    )
