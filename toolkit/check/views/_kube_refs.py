"""What a kustomization builds from: the local files and folders it names, and the objects a
``$patch: delete`` removes.

``resources:`` (and the older ``bases:``) and ``components:`` name files or folders;
``patches:`` and ``patchesJson6902:`` entries with a ``path:``, and the plain entries of
``patchesStrategicMerge:``, name patch files (with the entry's ``target:`` as
``<kind> <name>``). Remote entries are left to :mod:`toolkit.check.views._kube_sources`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from toolkit.check.views._kube_sources import is_remote
from toolkit.check.yamlsource import YList, YMap

if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from toolkit.check._record import dataclass


@dataclass(frozen=True)
class References:
    """The local entries of a kustomization, as written (relative to its folder)."""

    resources: tuple[str, ...] = ()
    components: tuple[str, ...] = ()
    patch_files: tuple[tuple[str, str], ...] = ()  # (path, target as "<kind> <name>")


def references(root: YMap) -> References:
    return References(
        _local(root, "resources") + _local(root, "bases"),
        _local(root, "components"),
        tuple(_patch_files(root)),
    )


def _local(root: YMap, key: str) -> tuple[str, ...]:
    entries = root.get(key)
    found = entries if isinstance(entries, YList) else []
    return tuple(str(e).strip() for e in found if isinstance(e, str) and not is_remote(e))


def _patch_files(root: YMap) -> list[tuple[str, str]]:
    found = []
    for key in ("patches", "patchesJson6902", "patchesStrategicMerge"):
        entries = root.get(key)
        for entry in entries if isinstance(entries, YList) else []:
            if isinstance(entry, YMap) and isinstance(entry.get("path"), str):
                found.append((str(entry["path"]).strip(), target_label(entry.get("target"))))
            elif key == "patchesStrategicMerge" and isinstance(entry, str) and "\n" not in entry:
                found.append((entry.strip(), ""))
    return found


def target_label(target: Any) -> str:
    """A patch ``target:`` as ``<kind> <name>`` or ``<name>`` (empty when it names no object:
    a target by kind or labels alone may patch several)."""
    if not isinstance(target, dict) or not isinstance(target.get("name"), str):
        return ""
    kind = target.get("kind")
    return f"{kind} {target['name']}" if isinstance(kind, str) and kind else str(target["name"])


def deleted_objects(documents: list[Any]) -> tuple[tuple[str, str], ...]:
    """(kind, name) of each document that is a ``$patch: delete`` (in a patch file)."""
    return tuple(found for doc in documents if (found := _deleted(doc)) is not None)


def inline_deletes(root: YMap) -> tuple[tuple[str, str], ...]:
    """(kind, name) of each resource an inline ``$patch: delete`` of a kustomization removes."""
    import yaml

    found = []
    patches = root.get("patches")
    for entry in patches if isinstance(patches, YList) else []:
        patch = entry.get("patch") if isinstance(entry, YMap) else None
        if not isinstance(patch, str) or "$patch: delete" not in patch:
            continue
        try:
            deleted = _deleted(yaml.safe_load(patch))
        except yaml.YAMLError:
            continue
        if deleted is not None:
            found.append(deleted)
    return tuple(found)


def _deleted(doc: Any) -> tuple[str, str] | None:
    metadata = doc.get("metadata") if isinstance(doc, dict) else None
    if isinstance(metadata, dict) and doc.get("$patch") == "delete":
        return (str(doc.get("kind")), str(metadata.get("name")))
    return None
