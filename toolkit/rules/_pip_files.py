"""Which requirements files an install command may name with ``-r`` and no ``--require-hashes``.

pip turns hash checking on by itself when any requirement of a file has a
``--hash``; and a file the PY rules already report (PY003 for a loose pin or a
URL at no commit, PY004 for a lock without hashes) is one defect, reported
once, at the file. What is left is a file of exact pins without hashes.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, Any

from toolkit.check.project import Project
from toolkit.rules.py_unpinned_requirement import pinned

if TYPE_CHECKING:
    from typing import NamedTuple
else:
    from toolkit.check._record import NamedTuple


def depend_on_requirement_files(project: Project) -> None:
    """Record that the running rule reads requirements files, whether or not a command
    names one: its stored findings then stay valid only while they are unchanged."""
    project.files_of("pydeps")


def covered(
    project: Project, name: str, folders: tuple[str, ...] = ("",), copies: tuple[str, ...] = ()
) -> bool:
    """Whether ``-r name`` needs no finding at the command: each file it may read
    (relative to one of ``folders``, or through the ``COPY`` sources ``copies`` of a
    Dockerfile) holds hashes, is a lock, or is reported by its own findings."""
    if not project.has("pydeps"):
        return False
    from toolkit.check.scope import installed_files

    facts = requirement_files(project)
    paths = installed_files(name, folders, copies, facts)
    return bool(paths) and all(_speaks_for_itself(facts[path], facts) for path in paths)


def _speaks_for_itself(fact: FileFact, facts: dict[str, FileFact]) -> bool:
    return fact.hashed or fact.is_lock or (fact.loose and _lock_like(fact, facts))


class FileFact(NamedTuple):
    """What the install rules need to know of one requirements file."""

    path: str
    is_input: bool
    is_lock: bool
    compiled: bool
    header: str
    hashed: bool  # a requirement has --hash: pip checks hashes by itself
    loose: bool  # PY003 would report a requirement (when the file is lock-like)


def requirement_files(project: Project) -> dict[str, FileFact]:
    """Every requirements file's facts, by path (each kept per file across runs)."""
    return project.derived(
        "requirement-file-facts",
        lambda: {f.path: f for f in project.each_file("pydeps", "requirement-file-fact", _fact)},
    )


def _fact(view: Any, text: str) -> list[FileFact]:
    del text
    from toolkit.check.views.pydeps import RequirementsFile

    if not isinstance(view, RequirementsFile):
        return []
    hashed = any(requirement.hashes for requirement in view.requirements)
    loose = bool(view.vcs) or not all(pinned(r) for r in view.requirements)
    return [
        FileFact(view.path, view.is_input, view.is_lock, view.compiled, view.header, hashed, loose)
    ]


def _lock_like(fact: FileFact, facts: dict[str, FileFact]) -> bool:
    """As :func:`toolkit.check.views.pydeps_project.is_lock_like`, from the facts."""
    if fact.is_input:
        return False
    folder, name = posixpath.split(fact.path)
    source = posixpath.join(folder, name.rsplit(".", 1)[0] + ".in")
    compiled_from_it = any(
        f.compiled and name in f.header and posixpath.dirname(f.path) == folder
        for f in facts.values()
    )
    return not compiled_from_it and source not in facts
