"""Pair each Python dependency manifest with the lock that pins it.

A ``requirements*.in`` is locked by the ``.txt``/``.lock`` of the same stem
beside it, or by a compiled requirements file whose header names it. A
``pyproject.toml`` is locked by ``uv.lock``, ``poetry.lock``, ``pdm.lock``,
``pixi.lock``, ``conda-lock.yml`` or ``Pipfile.lock`` beside it, or by a compiled
requirements file or ``*.lock`` beside it.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from toolkit.check.views._requirements import Requirement
from toolkit.check.views.distribution import is_library
from toolkit.check.views.pydeps import (
    OtherLock,
    PoetryLock,
    PyDepsView,
    Pyproject,
    RequirementsFile,
    UvLock,
)

if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from toolkit.check._record import dataclass

if TYPE_CHECKING:
    from toolkit.check.project import Project

KIND = "pydeps"
Lock = RequirementsFile | UvLock | PoetryLock | OtherLock


@dataclass(frozen=True)
class Pin:
    """One locked version of a package, with where it is written."""

    version: str
    path: str
    line: int


@dataclass(frozen=True)
class Manifest:
    """A manifest's direct requirements and the lock that pins them (if any)."""

    path: str
    requirements: tuple[Requirement, ...]
    line: int
    lock: Lock | None
    optional: frozenset[str] = frozenset()
    name: str | None = None  # the project's own name (pyproject.toml)
    library: bool = False  # a distributable library, which states ranges and has no lock


def views(project: Project) -> list[PyDepsView]:
    """The ``pydeps`` views of the project."""
    return list(project.views(KIND))


def pins(lock: Lock) -> dict[str, list[Pin]]:
    """Every exact version in ``lock``, by canonical package name."""
    found: dict[str, list[Pin]] = {}
    if isinstance(lock, RequirementsFile):
        for requirement in lock.requirements:
            if requirement.exact:
                pin = Pin(requirement.exact, lock.path, requirement.line)
                found.setdefault(requirement.name, []).append(pin)
    else:
        for package in lock.packages:
            pin = Pin(package.version, lock.path, package.line)
            found.setdefault(package.name, []).append(pin)
    return found


Folders = dict[str, list[PyDepsView]]


def by_folder(all_views: list[PyDepsView]) -> Folders:
    """The views grouped by the folder that holds them."""
    grouped: Folders = {}
    for view in all_views:
        grouped.setdefault(posixpath.dirname(view.path), []).append(view)
    return grouped


def _lock_for_input(source: RequirementsFile, folders: Folders) -> Lock | None:
    folder, name = posixpath.split(source.path)
    stem = name[: -len(".in")]
    candidates = [
        v for v in folders.get(folder, []) if isinstance(v, RequirementsFile) and not v.is_input
    ]
    for suffix in (".lock", ".txt"):
        wanted = posixpath.join(folder, stem + suffix)
        found = next((v for v in candidates if v.path == wanted), None)
        if found is not None:
            return found
    return next((v for v in candidates if v.compiled and name in v.header), None)


def _lock_for_pyproject(pyproject: Pyproject, folders: Folders) -> Lock | None:
    beside = folders.get(posixpath.dirname(pyproject.path), [])
    for kind in (UvLock, PoetryLock, OtherLock):
        found = next((v for v in beside if isinstance(v, kind)), None)
        if found is not None:
            return found
    locks = [v for v in beside if isinstance(v, RequirementsFile) and v.is_lock]
    named = [v for v in locks if "pyproject.toml" in v.header]
    chosen = named or locks
    return chosen[0] if chosen else None


def manifests(project: Project) -> list[Manifest]:
    """Every manifest that declares dependencies, with its lock."""
    all_views = views(project)
    folders = by_folder(all_views)
    found = []
    for view in all_views:
        if isinstance(view, RequirementsFile) and view.is_input and view.requirements:
            lock = _lock_for_input(view, folders)
            found.append(Manifest(view.path, view.requirements, 1, lock))
        elif isinstance(view, Pyproject):
            requirements = view.dependencies + view.poetry
            if requirements:
                line = min(r.line for r in requirements)
                lock = _lock_for_pyproject(view, folders)
                extras = frozenset(r.name for group in view.optional.values() for r in group)
                library = lock is None and is_library(project, view)
                found.append(
                    Manifest(view.path, requirements, line, lock, extras, view.name, library)
                )
    return found


def is_lock_like(view: RequirementsFile, folders: Folders) -> bool:
    """A compiled lock, a ``*.lock``, or a plain ``.txt`` that no ``.in`` compiles into."""
    if view.is_input:
        return False
    if view.is_lock:
        return True
    folder, name = posixpath.split(view.path)
    beside = folders.get(folder, [])
    source = posixpath.join(folder, name.rsplit(".", 1)[0] + ".in")
    compiled_from_it = any(
        isinstance(v, RequirementsFile) and v.compiled and name in v.header for v in beside
    )
    return not compiled_from_it and not any(v.path == source for v in beside)
