"""Whether a ``pyproject.toml`` describes a library rather than an application.

A library is installed into other people's environments, so it states ranges
and leaves pinning to whoever deploys it; a lock beside it pins nothing anyone
installs. An application (a training pipeline, a model server, an image) is
what runs, and its lock is what makes two runs of one commit the same
(DESIGN.md, "exact pins everywhere").

A ``pyproject.toml`` is a library when all of these hold:

- it is distributable: a ``[build-system]`` table and a ``[project]`` name, and
  not ``[tool.uv] package = false``;
- its dependencies are ``[project]`` ranges only: no exact ``==`` pin, no
  ``[tool.poetry.dependencies]`` (an exact pin is an application's habit);
- no application entry file sits beside it: a Dockerfile or Containerfile, a
  compose file, ``dvc.yaml`` or a ``Procfile``.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from toolkit.check.project import Project
    from toolkit.check.views.pydeps import Pyproject

_ENTRY_NAMES = frozenset(
    {
        "dvc.yaml",
        "procfile",
        "compose.yaml",
        "compose.yml",
        "docker-compose.yaml",
        "docker-compose.yml",
    }
)


def is_library(project: Project, pyproject: Pyproject) -> bool:
    """Whether ``pyproject`` is a distributable library (see the module docstring)."""
    data = pyproject.data
    if not isinstance(data.get("build-system"), dict) or not pyproject.name:
        return False
    uv = data.get("tool", {}).get("uv") if isinstance(data.get("tool"), dict) else None
    if isinstance(uv, dict) and uv.get("package") is False:
        return False
    if pyproject.poetry or any(r.exact for r in pyproject.dependencies):
        return False
    return not _has_entry_files(project, posixpath.dirname(pyproject.path))


def _has_entry_files(project: Project, folder: str) -> bool:
    """Whether ``folder`` holds a file that runs the project (an image, a pipeline, a service)."""
    if any(posixpath.dirname(path) == folder for path in project.files_of("dockerfile")):
        return True
    for path in project.files:
        where, name = posixpath.split(path)
        if where == folder and name.lower() in _ENTRY_NAMES:
            return True
    return False
