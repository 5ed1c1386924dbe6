"""``uv.lock`` and ``poetry.lock``: the locked packages, their lines and hashes."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from toolkit.check.views._requirements import Requirement, canonical, parse_requirement

if TYPE_CHECKING:
    from dataclasses import dataclass, field
else:
    from toolkit.check._record import dataclass, field

_PACKAGE = re.compile(r"\s*\[\[package\]\]\s*\Z")


@dataclass(frozen=True)
class LockedPackage:
    """One ``[[package]]`` entry: exact version, source kind and whether it has hashes;
    ``marker``, the environments it is for when the lock forks by them (uv's
    ``resolution-markers``, poetry's ``markers``), empty for every environment."""

    name: str
    version: str
    line: int
    source: str
    hashed: bool
    marker: str = ""


@dataclass(frozen=True)
class UvLock:
    """``uv.lock``; ``roots`` holds each workspace member's ``requires-dist``, and
    ``sourced`` the names in it that a ``[tool.uv.sources]`` path, URL or git source
    replaced (uv records those without the manifest's version specifier)."""

    path: str
    packages: tuple[LockedPackage, ...]
    roots: dict[str, tuple[Requirement, ...]]
    requires_python: str | None
    sourced: dict[str, frozenset[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class PoetryLock:
    """``poetry.lock`` and its ``content-hash``."""

    path: str
    packages: tuple[LockedPackage, ...]
    content_hash: str | None
    content_hash_line: int = 1


def _package_lines(text: str) -> list[int]:
    return [n for n, line in enumerate(text.splitlines(), 1) if _PACKAGE.match(line)]


def _entries(data: dict[str, Any], text: str) -> list[tuple[dict[str, Any], int]]:
    raw = data.get("package")
    items = [item for item in raw if isinstance(item, dict)] if isinstance(raw, list) else []
    lines = _package_lines(text)
    lines += [1] * (len(items) - len(lines))
    return list(zip(items, lines, strict=False))


def uv_lock(path: str, text: str, data: dict[str, Any]) -> UvLock:
    """The packages of a ``uv.lock``."""
    packages = []
    roots: dict[str, tuple[Requirement, ...]] = {}
    sourced: dict[str, frozenset[str]] = {}
    for item, line in _entries(data, text):
        if not isinstance(item.get("name"), str):
            continue
        source = item.get("source") if isinstance(item.get("source"), dict) else {}
        assert isinstance(source, dict)
        kind = next(iter(source), "registry")
        hashed = _uv_hashed(item)
        name = canonical(str(item.get("name", "")))
        version = str(item.get("version", ""))
        marker = _marker(item.get("resolution-markers"))
        packages.append(LockedPackage(name, version, line, kind, hashed, marker))
        if kind in ("editable", "virtual") or (kind == "directory" and source.get(kind) == "."):
            metadata = item.get("metadata") if isinstance(item.get("metadata"), dict) else {}
            assert isinstance(metadata, dict)
            requires_dist = metadata.get("requires-dist")
            roots[name] = tuple(_uv_requirements(requires_dist, line))
            sourced[name] = _sourced(requires_dist)
    requires = data.get("requires-python")
    return UvLock(path, tuple(packages), roots, str(requires) if requires else None, sourced)


def _marker(value: Any) -> str:
    """One PEP 508 marker for a lock's markers: a string, or any of a list's (uv) or a
    table's values (poetry, by dependency group)."""
    items = (
        value.values() if isinstance(value, dict) else value if isinstance(value, list) else [value]
    )
    markers = [str(item).strip() for item in items if isinstance(item, str) and item.strip()]
    if len(markers) == 1:
        return markers[0]
    return " or ".join(f"({marker})" for marker in markers)


_SOURCES = ("directory", "virtual", "editable", "path", "url", "git")


def _sourced(values: Any) -> frozenset[str]:
    """Names in ``requires-dist`` that come from a path, URL or git source."""
    items = values if isinstance(values, list) else []
    return frozenset(
        canonical(str(value["name"]))
        for value in items
        if isinstance(value, dict) and "name" in value and any(k in value for k in _SOURCES)
    )


def _uv_hashed(item: dict[str, Any]) -> bool:
    sdist = item.get("sdist")
    if isinstance(sdist, dict) and sdist.get("hash"):
        return True
    wheels = item.get("wheels")
    return isinstance(wheels, list) and any(isinstance(w, dict) and w.get("hash") for w in wheels)


def _uv_requirements(values: Any, line: int) -> list[Requirement]:
    found = []
    for value in values if isinstance(values, list) else []:
        if not isinstance(value, dict) or "name" not in value:
            continue
        # requires-dist writes "extras"; a package's dependency list writes "extra".
        extras = value.get("extras") or value.get("extra") or []
        extra = f"[{','.join(map(str, extras))}]" if extras else ""
        text = f"{value['name']}{extra}{value.get('specifier', '')}"
        requirement = parse_requirement(text, line)
        if requirement is not None:
            found.append(requirement)
    return found


def poetry_lock(path: str, text: str, data: dict[str, Any]) -> PoetryLock:
    """The packages and content hash of a ``poetry.lock``."""
    packages = []
    for item, line in _entries(data, text):
        if not isinstance(item.get("name"), str) or not isinstance(item.get("version"), str):
            continue
        files = item.get("files")
        hashed = (
            isinstance(files, list)
            and all(isinstance(f, dict) and f.get("hash") for f in files)
            and bool(files)
        )
        source = item.get("source") if isinstance(item.get("source"), dict) else {}
        assert isinstance(source, dict)
        kind = str(source.get("type", "registry"))
        name = canonical(str(item.get("name", "")))
        version = str(item.get("version", ""))
        marker = _marker(item.get("markers"))
        packages.append(LockedPackage(name, version, line, kind, hashed, marker))
    metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    assert isinstance(metadata, dict)
    content_hash = metadata.get("content-hash")
    line = next(
        (n for n, text_line in enumerate(text.splitlines(), 1) if "content-hash" in text_line), 1
    )
    return PoetryLock(path, tuple(packages), str(content_hash) if content_hash else None, line)
