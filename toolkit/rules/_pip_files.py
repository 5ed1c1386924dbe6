"""Which requirements files an install command may name with ``-r`` and no ``--require-hashes``.

pip turns hash checking on by itself when any requirement of a file has a
``--hash``; and a file the PY rules already report (PY003 for a loose pin or a
URL at no commit, PY004 for a lock without hashes) is one defect, reported
once, at the file. What is left is a file of exact pins without hashes.
"""

from __future__ import annotations

import posixpath

from toolkit.check.project import Project
from toolkit.rules.py_unpinned_requirement import pinned


def depend_on_requirement_files(project: Project) -> None:
    """Record that the running rule reads requirements files, whether or not a command
    names one: its stored findings then stay valid only while they are unchanged."""
    project.files_of("pydeps")


def covered(project: Project, name: str, folders: tuple[str, ...] = ("",)) -> bool:
    """Whether ``-r name`` (relative to one of ``folders``) needs no finding at the command."""
    if "$" in name or not project.has("pydeps"):
        return False
    from toolkit.check.views.pydeps import RequirementsFile
    from toolkit.check.views.pydeps_project import by_folder, is_lock_like

    wanted = {posixpath.normpath(posixpath.join(folder, name)) for folder in folders}
    views = project.views("pydeps")
    view = next((v for v in views if isinstance(v, RequirementsFile) and v.path in wanted), None)
    if view is None:
        return False
    if any(requirement.hashes for requirement in view.requirements):
        return True
    loose = bool(view.vcs) or not all(pinned(r) for r in view.requirements)
    return view.is_lock or (loose and is_lock_like(view, by_folder(views)))
