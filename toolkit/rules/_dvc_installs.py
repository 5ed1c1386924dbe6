"""Where the repository installs dvc: requirements, locks, ``pip install`` lines,
``iterative/setup-dvc``. Shared by X004 and X005."""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit.check.project import Project
from toolkit.check.views.mentions import (
    Install,
    action_inputs,
    hook_dependencies,
    lock_requirements,
    scalar_text,
    shell_installs,
)
from toolkit.check.views.pydeps import Pyproject, RequirementsFile

if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from toolkit.check._record import dataclass


@dataclass(frozen=True)
class DvcInstall:
    """One place that installs dvc, with the version or range it asks for."""

    path: str
    line: int
    column: int
    spec: str
    extras: tuple[str, ...]
    what: str


def manifest_requirements(project: Project) -> list[Install]:
    """Requirements of ``.in`` files and ``pyproject.toml`` dependencies."""
    found: list[Install] = []
    for view in project.views("pydeps"):
        if isinstance(view, RequirementsFile) and view.is_input:
            found.extend(
                Install(view.path, r.line, r.column, r, "requirements") for r in view.requirements
            )
        elif isinstance(view, Pyproject):
            found.extend(
                Install(view.path, r.line, r.column, r, "pyproject.toml")
                for r in view.dependencies + view.poetry
            )
    return found


def all_requirements(project: Project) -> list[Install]:
    """Every requirement the repository installs, from every kind of place."""
    installs, _ = shell_installs(project)
    return [
        *manifest_requirements(project),
        *lock_requirements(project),
        *installs,
        *hook_dependencies(project),
    ]


def dvc_installs(project: Project) -> list[DvcInstall]:
    """Every place that installs dvc itself."""
    found: list[DvcInstall] = [
        DvcInstall(i.path, i.line, i.column, i.requirement.specifier, i.requirement.extras, i.what)
        for i in all_requirements(project)
        if i.requirement.name == "dvc"
    ]
    for path, value, _, uses in action_inputs(project, "version"):
        text = scalar_text(value)
        if uses.startswith("iterative/setup-dvc") and text and "${{" not in text:
            line, column = getattr(value, "line", 1), getattr(value, "col", 1)
            spec = text if text[:1] in "<>=!~" else f"=={text.lstrip('v')}"
            found.append(DvcInstall(path, line, column, spec, ("all",), "iterative/setup-dvc"))
    return found
