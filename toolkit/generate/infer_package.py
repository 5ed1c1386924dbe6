"""Which import package a repository builds: what its build configuration says, then its
layout, then (last) its normalised project name.

A distribution's name is often not its import name (``imbalanced-learn`` ships
``imblearn``), so the name is the last resort. Each source that names more than one
top-level package is ambiguous: ``mlrig add`` then asks, or wants ``--set``.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

NOT_PACKAGES = frozenset({"tests", "test", "docs", "doc", "examples", "scripts", "benchmarks"})
IDENTIFIER = re.compile(r"[A-Za-z_]\w*\Z")


@dataclass(frozen=True)
class Packages:
    """The top-level import packages one source names, and where it was read."""

    names: list[str]
    source: str


def _table(data: Mapping[str, Any], *path: str) -> Mapping[str, Any]:
    for key in path:
        value = data.get(key)
        data = value if isinstance(value, Mapping) else {}
    return data


def _strings(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _top(names: list[str]) -> list[str]:
    tops = {name.replace("/", ".").split(".")[0] for name in names}
    return sorted(t for t in tops if IDENTIFIER.match(t))


def _in(folder: Path) -> list[str]:
    """The packages (folders with ``__init__.py``) directly in ``folder``."""
    if not folder.is_dir() or folder.is_symlink():
        return []
    return sorted(
        p.parent.name
        for p in folder.glob("*/__init__.py")
        if p.parent.name not in NOT_PACKAGES and IDENTIFIER.match(p.parent.name)
    )


def _setuptools(repo: Path, tool: Mapping[str, Any]) -> Packages | None:
    table = _table(tool, "setuptools")
    listed = _strings(table.get("packages"))
    if listed:
        return Packages(_top(listed), "[tool.setuptools] packages in pyproject.toml")
    find = _table(table, "packages", "find")
    if not find:
        return None
    where = _strings(find.get("where")) or ["."]
    include = _strings(find.get("include")) or ["*"]
    exclude = _strings(find.get("exclude"))
    found = [
        name
        for folder in where
        for name in _in(repo / folder)
        if any(fnmatch.fnmatch(name, p) for p in include)
        and not any(fnmatch.fnmatch(name, p) for p in exclude)
    ]
    return Packages(sorted(set(found)), "[tool.setuptools.packages.find] in pyproject.toml")


def _hatch(tool: Mapping[str, Any]) -> Packages | None:
    listed = _strings(_table(tool, "hatch", "build", "targets", "wheel").get("packages"))
    listed = listed or _strings(_table(tool, "hatch", "build").get("packages"))
    if not listed:
        return None
    names = [Path(p).name for p in listed]
    return Packages(_top(names), "[tool.hatch.build] packages in pyproject.toml")


def _poetry(tool: Mapping[str, Any]) -> Packages | None:
    entries = _table(tool, "poetry").get("packages")
    listed = entries if isinstance(entries, list) else []
    names = [
        Path(e["include"]).name
        for e in listed
        if isinstance(e, Mapping) and isinstance(e.get("include"), str)
    ]
    return Packages(_top(names), "[tool.poetry] packages in pyproject.toml") if names else None


def _flit(tool: Mapping[str, Any]) -> Packages | None:
    name = _table(tool, "flit", "module").get("name")
    if not isinstance(name, str):
        return None
    return Packages(_top([name]), "[tool.flit.module] in pyproject.toml")


def _layout(repo: Path) -> Packages | None:
    for prefix in ("src/", ""):
        found = _in(repo / prefix)
        if found:
            where = f"{prefix}{found[0]}/" if len(found) == 1 else (prefix or "the top folder")
            return Packages(found, where)
    return None


def _normalised(project: Mapping[str, Any]) -> Packages | None:
    name = project.get("name")
    if not isinstance(name, str) or not name.strip():
        return None
    normal = re.sub(r"[-_.]+", "_", name.strip()).lower()
    return Packages(_top([normal]), "[project] name in pyproject.toml, normalised")


def packages(repo: Path, pyproject: Mapping[str, Any]) -> Packages | None:
    """The first source that names any package, in the order the module docstring gives."""
    tool, project = _table(pyproject, "tool"), _table(pyproject, "project")
    for found in (
        _setuptools(repo, tool),
        _hatch(tool),
        _poetry(tool),
        _flit(tool),
        _layout(repo),
        _normalised(project),
    ):
        if found is not None and found.names:
            return found
    return None
