"""Scope: which pins may be compared with which (DESIGN.md, "Scope: projects and install units").

The engine owns this idea; the consistency rules ask it, none invents its own.

- A **project** is the top folder, a nested git work tree (a folder holding
  ``.git``, or a submodule of ``.gitmodules``), or a folder below the top with its
  own manifest: ``pyproject.toml``, ``setup.py``, a DVC repository (a folder with
  a ``.dvc/config``), a Terraform root (a folder with a ``.terraform.lock.hcl``)
  or a Dockerfile with its build context (the Dockerfile copies files of its own
  folder). A Terraform root is the infrastructure of the
  project around it, so its pins are that project's :meth:`Scope.peer_group`.
- An **install unit** is one requirements file or lock (its ``-r``/``-c`` files
  are links), one Dockerfile stage chain, one workflow job (its ``pip install``
  commands run in one environment), or any other file as a whole.
- **Links** join units: ``-r``/``-c`` in a requirements file; a Dockerfile stage
  chain or a workflow job that installs a requirements file (``pip install -r``)
  or the project itself (``uv sync``, ``poetry install``, ``pip install .``),
  resolved against its build context or ``working-directory``.
- A **variant** is a unit whose path (below its project) names a build flavour
  (``cu118``, ``cuda12``, ``rocm6.1``, ``cpu``, ``gpu``...), or whose index URL
  does while another unit of its project names a different one. A variant is
  compared inside itself and with what it links to, never with its siblings.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
from collections.abc import Collection, Iterable, Sequence
from typing import TYPE_CHECKING

from toolkit.check._record import lazy_pattern
from toolkit.check._scope_scan import copy_sources

__all__ = ["Scope", "Unit", "copy_sources", "installed_files", "scope_of", "variant_tag"]

if TYPE_CHECKING:
    from dataclasses import dataclass

    from toolkit.check.project import Project
else:
    from toolkit.check._record import dataclass

MANIFESTS = frozenset({"pyproject.toml", "setup.py"})
PROJECT_MANIFESTS = ("pyproject.toml", "uv.lock", "poetry.lock", "pdm.lock", "setup.py")
_TAG = lazy_pattern(r"cu\d{2,3}|cuda\d*|rocm\d*|cpu|gpu|xpu|mps|metal|hpu|npu")
_SPLIT = lazy_pattern(r"[/_.\-+\s=?&]+")
DECLARATIONS = (".tf", ".tfvars")


def variant_tag(text: str) -> str | None:
    """The build flavour a path or URL names (``requirements/torch_cu118.txt``: ``cu118``)."""
    for token in _SPLIT.split(text.lower()):
        if _TAG.fullmatch(token):
            return token
    return None


@dataclass(frozen=True)
class Unit:
    """One install unit: ``id`` is its path, with ``#line`` for a stage chain or a job."""

    id: str
    path: str
    start: int
    project: str
    tag: str | None
    group: str


class Scope:
    """Projects, units and links of one checked tree (see the module docstring)."""

    def __init__(self, roots: Iterable[str], terraform_roots: Iterable[str]) -> None:
        # Deepest first, the top last: the first root that holds a path is its project.
        self.roots = sorted(set(roots) | {""}, key=lambda r: (not r, -r.count("/"), r))
        self._root_set = frozenset(self.roots)
        self.terraform_roots = frozenset(terraform_roots)
        self.units: dict[str, list[Unit]] = {}
        self.edges: dict[str, set[str]] = {}
        self.by_id: dict[str, Unit] = {}
        self.url_tags: dict[str, str] = {}
        self._seen: dict[tuple[str, int], Unit] = {}

    def project_of(self, path: str) -> str:
        """The root folder of the project ``path`` belongs to (``""``: the top)."""
        folder = path
        while folder:
            if folder in self._root_set:
                return folder
            folder = posixpath.dirname(folder)
        return ""

    def peer_group(self, project: str) -> str:
        """The project whose pins ``project``'s are compared with (a Terraform root: its parent)."""
        while project in self.terraform_roots:
            project = self.project_of(posixpath.dirname(project))
        return project

    def unit_of(self, path: str, line: int = 1) -> Unit:
        """The unit that line ``line`` of ``path`` belongs to."""
        found = self._seen.get((path, line))
        if found is None:
            found = self._seen[path, line] = self._unit_of(path, line)
        return found

    def _unit_of(self, path: str, line: int) -> Unit:
        if path.endswith(DECLARATIONS):
            # Each Terraform value stands alone: a root's variables are no install.
            found = [unit for unit in self.units.get(path, ()) if unit.start == line]
            return found[0] if found else self.add_unit(path, line)
        units = self.units.get(path)
        if not units:
            return self._whole(path)
        before = [unit for unit in units if unit.start <= line]
        return before[-1] if before else units[0]

    def linked(self, unit: Unit) -> set[str]:
        """``unit`` and every unit joined to it by links; a variant is entered only
        from a unit that links to it directly, and never left for its siblings."""
        seen = {unit.id}
        todo = [unit.id]
        while todo:
            current = todo.pop()
            for other in self.edges.get(current, ()):
                if other in seen or (current != unit.id and self.by_id[other].tag is not None):
                    continue
                seen.add(other)
                if self.by_id[other].tag is None:
                    todo.append(other)
        return seen

    def add_unit(self, path: str, start: int, project: str | None = None) -> Unit:
        """A new unit of ``path`` starting at line ``start`` (of ``project``, or of the
        project the path is in)."""
        home = self.project_of(path)
        project = home if project is None else project
        local = path[len(home) + 1 :] if home else path
        unit_id = f"{path}#{start}" if self.units.get(path) or start > 1 else path
        tag = variant_tag(local)
        unit = Unit(unit_id, path, start, project, tag, self.peer_group(project))
        self._seen.clear()
        self.units.setdefault(path, []).append(unit)
        self.units[path].sort(key=lambda u: u.start)
        self.by_id[unit.id] = unit
        return unit

    def retag(self, unit: Unit, tag: str) -> None:
        """Mark ``unit`` a variant of flavour ``tag``."""
        self._seen.clear()
        tagged = Unit(unit.id, unit.path, unit.start, unit.project, tag, unit.group)
        self.by_id[unit.id] = tagged
        self.units[unit.path] = [tagged if u.id == unit.id else u for u in self.units[unit.path]]

    def link(self, first: Unit, second: Unit) -> None:
        self.edges.setdefault(first.id, set()).add(second.id)
        self.edges.setdefault(second.id, set()).add(first.id)

    def _whole(self, path: str) -> Unit:
        return self.units[path][0] if self.units.get(path) else self.add_unit(path, 1)


_VARIABLE = lazy_pattern(r"\$\{?\w+\}?")


def installed_files(
    name: str, contexts: Sequence[str], copies: Sequence[str], files: Collection[str]
) -> list[str]:
    """The checked files that an install of ``name`` in a Dockerfile reads: looked up
    through the ``COPY`` sources (a file of that name, or that path below a copied
    folder), then directly in each context folder. A build argument (``$MODEL``)
    stands for any name, so it may give several files."""
    pattern = _VARIABLE.sub("*", name)
    clean = posixpath.normpath(pattern).lstrip("/")
    base = posixpath.basename(clean)
    wanted = []
    for context in contexts:
        for source in copies:
            copied = posixpath.normpath(posixpath.join(context, source))
            if fnmatch.fnmatchcase(posixpath.basename(copied), base):
                wanted.append(copied)
            wanted.extend(posixpath.normpath(posixpath.join(copied, t)) for t in (clean, base))
    wanted.extend(posixpath.normpath(posixpath.join(context, clean)) for context in contexts)
    for candidate in wanted:
        if "*" not in candidate:
            if candidate in files:
                return [candidate]
            continue
        found = sorted(path for path in files if fnmatch.fnmatchcase(path, candidate))
        if found:
            return found
    return []


def scope_of(project: Project) -> Scope:
    """The scope of ``project``, computed once per run and shared by every rule."""
    return project.derived("scope", lambda: _build(project))


def _build(project: Project) -> Scope:
    from toolkit.check._scope_build import build

    return build(project)


def nested_git_roots(project: Project) -> list[str]:
    """Folders below the top that hold their own ``.git`` (a clone or a submodule)."""
    found = []
    for folder in sorted(project.folders()):
        if os.path.lexists(f"{project.root}{os.sep}{folder}{os.sep}.git"):
            found.append(folder)
    return found
