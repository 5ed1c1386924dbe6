"""Locks of other tools: ``pdm.lock``, ``Pipfile.lock``, ``pixi.lock`` and ``conda-lock.yml``.

Each is known as a lock (a manifest beside one is locked) and its PyPI pins
are read where that is cheap: ``pdm.lock`` is TOML, ``Pipfile.lock`` JSON, and
the two YAML locks, which run to megabytes, are scanned line by line for the
``name``/``version`` of each PyPI entry (conda packages are not PyPI pins).
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from toolkit.check.findings import ParseError
from toolkit.check.views._pylocks import LockedPackage, _entries
from toolkit.check.views._requirements import canonical

if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from toolkit.check._record import dataclass

TOOLS = {"pdm.lock": "pdm", "Pipfile.lock": "pipenv", "pixi.lock": "pixi"}
CONDA_LOCKS = re.compile(r"(?:[^/]*\.)?conda-lock\.ya?ml\Z")
_SECTION = re.compile(r"packages?:\s*(?:#.*)?\Z")
_ITEM = re.compile(r"( *)- ")
_FIELD = re.compile(r"( *)(name|version|kind|manager|pypi|conda):\s*['\"]?([^'\"\s#]+)")


@dataclass(frozen=True)
class OtherLock:
    """A lock written by ``tool``, with the PyPI packages it pins."""

    path: str
    tool: str
    packages: tuple[LockedPackage, ...]


def is_other_lock(name: str) -> bool:
    """Whether the file name ``name`` is one of these locks."""
    return name in TOOLS or CONDA_LOCKS.match(name) is not None


def parse_other_lock(path: str, text: str) -> OtherLock:
    """The lock at ``path`` (named as :func:`is_other_lock` accepts)."""
    name = path.rsplit("/", 1)[-1]
    if name == "pdm.lock":
        return OtherLock(path, "pdm", _pdm(text))
    if name == "Pipfile.lock":
        return OtherLock(path, "pipenv", _pipfile(text))
    return OtherLock(path, TOOLS.get(name, "conda-lock"), tuple(_scan_yaml(text)))


def _pdm(text: str) -> tuple[LockedPackage, ...]:
    from toolkit.check.views._parsing import load_toml

    found = []
    for item, line in _entries(load_toml(text), text):
        name, version = item.get("name"), item.get("version")
        if isinstance(name, str) and isinstance(version, str):
            hashed = any(isinstance(f, dict) and f.get("hash") for f in item.get("files") or [])
            found.append(LockedPackage(canonical(name), version, line, "registry", hashed))
    return tuple(found)


def _pipfile(text: str) -> tuple[LockedPackage, ...]:
    try:
        data = json.loads(text)
    except ValueError as err:
        line = getattr(err, "lineno", 1)
        raise ParseError(f"invalid JSON: {str(err).split(':')[0]}", line) from None
    lines = text.splitlines()
    found = []
    for group in ("default", "develop"):
        section = data.get(group) if isinstance(data, dict) else None
        for name, entry in section.items() if isinstance(section, dict) else ():
            version = entry.get("version") if isinstance(entry, dict) else None
            if isinstance(version, str) and version.startswith("=="):
                line = _line_of(lines, f'"{name}"')
                hashed = bool(entry.get("hashes"))
                found.append(LockedPackage(canonical(name), version[2:], line, "registry", hashed))
    return tuple(found)


def _line_of(lines: list[str], needle: str) -> int:
    return next((n for n, line in enumerate(lines, 1) if needle in line), 1)


def _scan_yaml(text: str) -> list[LockedPackage]:
    """PyPI entries of a ``pixi.lock`` (``- pypi: URL`` or ``kind: pypi``) or a
    ``conda-lock.yml`` (``manager: pip``): the items of its top-level ``packages:``
    (``package:``) list, each with ``name`` and ``version`` keys."""
    found: list[LockedPackage] = []
    entry: dict[str, str] = {}
    start, indent = 0, -1
    inside = False
    for number, raw in enumerate(text.splitlines(), 1):
        if raw[:1].isalpha():
            inside = _SECTION.match(raw) is not None
            continue
        item = _ITEM.match(raw) if inside else None
        line = raw
        if item is not None and indent in (-1, len(item.group(1))):
            _add(found, entry, start)
            entry, start, indent = {}, number, len(item.group(1))
            line = " " * (indent + 2) + raw[item.end() :]  # the entry's first key
        field = _FIELD.match(line) if start else None
        if field is not None and len(field.group(1)) == indent + 2:
            entry.setdefault(field.group(2), field.group(3))
    _add(found, entry, start)
    return found


def _add(found: list[LockedPackage], entry: dict[str, Any], line: int) -> None:
    pypi = "pypi" in entry or entry.get("kind") == "pypi" or entry.get("manager") == "pip"
    name, version = entry.get("name"), entry.get("version")
    if pypi and name and version:
        found.append(LockedPackage(canonical(name), version, line, "registry", True))
