"""Where the repository installs dvc: requirements, locks, ``pip install`` lines,
``iterative/setup-dvc``. Shared by X004 and X005."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, TypeVar

from toolkit.check.project import Project
from toolkit.check.views.mentions import (
    Install,
    action_inputs,
    hook_dependencies,
    lock_requirements,
    shell_installs,
)
from toolkit.check.views.pydeps import Pyproject, RequirementsFile

if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from toolkit.check._record import dataclass

T = TypeVar("T")


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
    return project.each_file("pydeps", "manifest-requirements", lambda v, _: _manifest(v))


def _manifest(view: Any) -> list[Install]:
    if isinstance(view, RequirementsFile) and view.is_input:
        return [Install(view.path, r.line, r.column, r, "requirements") for r in view.requirements]
    if isinstance(view, Pyproject):
        return [
            Install(view.path, r.line, r.column, r, "pyproject.toml")
            for r in view.dependencies + view.poetry
        ]
    return []


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
    for item in action_inputs(project, "version", uses="iterative/setup-dvc"):
        text = item.text
        if item.uses.startswith("iterative/setup-dvc") and text and "${{" not in text:
            spec = text if text[:1] in "<>=!~" else f"=={text.lstrip('v')}"
            where = "iterative/setup-dvc"
            found.append(DvcInstall(item.path, item.line, item.column, spec, ("all",), where))
    return found


class DvcScope(Generic[T]):
    """What the DVC files of each project say, looked up from a place that installs dvc.

    A DVC project is read by the dvc its own project installs (see
    :mod:`toolkit.check.scope`): two DVC projects side by side are never
    compared with each other's installs. An install in a project that holds no
    DVC files (a workflow at the top of the repository) serves the one DVC
    project below it, or none when there are several.
    """

    def __init__(self, project: Project, facts: list[tuple[str, T]]) -> None:
        from toolkit.check.scope import scope_of

        self.scope = scope_of(project)
        self.groups: dict[str, list[T]] = {}
        for path, fact in facts:
            self.groups.setdefault(self.scope.unit_of(path).group, []).append(fact)

    def facts_for(self, path: str, line: int) -> list[T]:
        """The facts of the DVC project that the install at ``path:line`` serves."""
        group = self.scope.unit_of(path, line).group
        if group in self.groups:
            return self.groups[group]
        below = [g for g in self.groups if not group or g.startswith(f"{group}/")]
        return self.groups[below[0]] if len(below) == 1 else []
