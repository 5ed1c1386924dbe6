"""Version mentions across files, for the cross-file consistency rules.

Each function reads views (and, for shell commands and Terraform, the text of
files that views match) and returns :class:`Mention` values: a version, where it
is written, and a short description of the place. Nothing here is a view kind;
it is the shared reading layer of the ``X`` rules.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from toolkit.check._record import lazy_pattern
from toolkit.check.yamlsource import YList, YMap

if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from toolkit.check._record import dataclass

if TYPE_CHECKING:
    from toolkit.check.project import Project
    from toolkit.check.views._pip_commands import IndexUrl, Installed
    from toolkit.check.views._requirements import Requirement

_MATRIX_REF = re.compile(r"\$\{\{\s*matrix\.([\w-]+)\s*\}\}")
SHELL_KINDS = ("workflow", "action", "dockerfile")
_INDEX_OPTION = lazy_pattern(r"\s*(?:--index-url|--extra-index-url|-i|-f|--find-links)[=\s]+(\S+)")


@dataclass(frozen=True)
class Mention:
    """A version written somewhere; ``rank`` orders the places when choosing a reference."""

    path: str
    line: int
    column: int
    value: str
    what: str
    rank: int = 5
    alternatives: int = 1

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Install:
    """A requirement installed by a command, a hook or a Dockerfile."""

    path: str
    line: int
    column: int
    requirement: Requirement
    what: str


def reference(mentions: list[Mention], key: Any = None) -> Mention | None:
    """The mention the others are compared with: the most common value, then the lowest rank."""
    if not mentions:
        return None
    keyed = key or (lambda mention: mention.value)
    counts = Counter(keyed(mention) for mention in mentions)
    return min(mentions, key=lambda m: (-counts[keyed(m)], m.rank, m.path, m.line))


def scalar_text(value: Any) -> str | None:
    """A YAML scalar as written (``3.10`` stays ``"3.10"``)."""
    if value is None or isinstance(value, (bool, YMap, YList)):
        return None
    return str(getattr(value, "raw", value))


def _position(value: Any, fallback: tuple[int, int]) -> tuple[int, int]:
    return getattr(value, "line", fallback[0]), getattr(value, "col", fallback[1])


def _matrix_values(job_node: Any, key: str) -> list[Any]:
    strategy = job_node.get("strategy") if isinstance(job_node, YMap) else None
    matrix = strategy.get("matrix") if isinstance(strategy, YMap) else None
    if not isinstance(matrix, YMap):
        return []
    values = list(matrix.get(key) or []) if isinstance(matrix.get(key), YList) else []
    for include in matrix.get("include") or []:
        if isinstance(include, YMap) and key in include:
            values.append(include[key])
    return values


def action_inputs(project: Project, name: str) -> Iterator[tuple[str, Any, Any, str]]:
    """``(path, value, job node, uses)`` of every step input called ``name``."""
    for kind in ("workflow", "action"):
        for view in project.views(kind) if project.has(kind) else []:
            jobs = getattr(view, "jobs", None)
            groups = [(job.node, job.steps) for job in jobs] if jobs is not None else []
            if kind == "action":
                groups = [(None, view.steps)]
            for job_node, steps in groups:
                for step in steps:
                    if name in step.with_:
                        yield view.path, step.with_[name], job_node, str(step.uses or "")
            for job in jobs or []:
                if job.with_ is not None and name in job.with_:
                    yield view.path, job.with_[name], job.node, str(job.uses or "")


def input_versions(project: Project, name: str, what: str, rank: int) -> list[Mention]:
    """Versions given to inputs called ``name``, matrix references resolved."""
    found = []
    for path, value, job_node, uses in action_inputs(project, name):
        text = scalar_text(value)
        if text is None:
            continue
        label = f"{uses.split('@')[0]} {name}" if uses else f"{what} {name}"
        reference_key = _MATRIX_REF.fullmatch(text.strip())
        if reference_key:
            items = _matrix_values(job_node, reference_key.group(1))
            for item in items:
                item_text = scalar_text(item)
                if item_text is not None:
                    line, column = _position(item, _position(value, (1, 1)))
                    mention = Mention(
                        path, line, column, item_text, f"matrix {label}", rank, len(items)
                    )
                    found.append(mention)
            continue
        if "${{" in text:
            continue
        line, column = _position(value, (1, 1))
        for offset, part in enumerate(p for p in text.splitlines() if p.strip()):
            found.append(Mention(path, line + offset, column, part.strip(), label, rank))
    return found


def docker_images(project: Project) -> list[Mention]:
    """Every ``FROM`` image and workflow ``container``/``services`` image."""
    found = []
    for view in project.views("dockerfile") if project.has("dockerfile") else []:
        for item in view.froms:
            if not item.stage_ref and not item.unresolved:
                found.append(Mention(view.path, item.line, item.col, item.resolved, "FROM"))
    for view in project.views("workflow") if project.has("workflow") else []:
        for job in view.jobs:
            for image in job.images:
                found.append(Mention(view.path, image.line, image.col, str(image), "image"))
    return found


def _shell_files(project: Project) -> Iterator[tuple[str, str]]:
    for kind in SHELL_KINDS:
        for path in project.files_of(kind):
            text = project.text(path)
            if text is not None:
                yield path, _uncomment(text)


def _uncomment(text: str) -> str:
    return "\n".join("" if line.lstrip().startswith("#") else line for line in text.splitlines())


def shell_installs(project: Project) -> tuple[list[Install], list[Mention]]:
    """Requirements installed by ``pip install`` in workflows, actions and Dockerfiles,
    and the index URLs those commands use."""
    return project.derived("shell-installs", lambda: _shell_installs(project))


def _shell_installs(project: Project) -> tuple[list[Install], list[Mention]]:
    installs: list[Install] = []
    urls: list[Mention] = []
    for path, text in _shell_files(project):
        if "install" not in text:
            continue
        from toolkit.check.views._pip_commands import scan

        found, indexes = scan(text)
        installs.extend(_install(path, item) for item in found)
        urls.extend(_url(path, item) for item in indexes)
    return installs, urls


def _install(path: str, item: Installed) -> Install:
    return Install(path, item.line + 1, item.column, item.requirement, "pip install")


def _url(path: str, item: IndexUrl) -> Mention:
    return Mention(path, item.line + 1, item.column, item.url, "index URL")


def hook_dependencies(project: Project) -> list[Install]:
    """Each pre-commit hook's ``additional_dependencies``."""
    from toolkit.check.views._requirements import parse_requirement

    found = []
    for view in project.views("precommit") if project.has("precommit") else []:
        for repo in view.repos:
            hooks = repo.node.get("hooks")
            for hook in hooks if isinstance(hooks, YList) else []:
                deps = hook.get("additional_dependencies") if isinstance(hook, YMap) else None
                for dep in deps if isinstance(deps, YList) else []:
                    requirement = parse_requirement(str(dep)) if isinstance(dep, str) else None
                    if requirement is not None:
                        line, column = _position(dep, (repo.line, repo.col))
                        label = "pre-commit additional_dependencies"
                        found.append(Install(view.path, line, column, requirement, label))
    return found


def text_files(project: Project, suffixes: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    """``(path, text)`` of checked files whose names end with one of ``suffixes``."""
    for path in project.files:
        if path.endswith(suffixes):
            text = project.text(path)
            if text is not None:
                yield path, text


def lock_requirements(project: Project) -> list[Install]:
    """Exact pins of every requirements lock, ``uv.lock`` and ``poetry.lock``."""
    if not project.has("pydeps"):
        return []
    from toolkit.check.views._requirements import parse_requirement
    from toolkit.check.views.pydeps import PoetryLock, RequirementsFile, UvLock

    found = []
    for view in project.views("pydeps"):
        if isinstance(view, RequirementsFile) and not view.is_input:
            for requirement in view.requirements:
                if requirement.exact:
                    label = "lock" if view.is_lock else "requirements"
                    found.append(
                        Install(view.path, requirement.line, requirement.column, requirement, label)
                    )
        elif isinstance(view, (UvLock, PoetryLock)):
            for package in view.packages:
                pinned = parse_requirement(f"{package.name}=={package.version}", package.line)
                if pinned is not None:
                    found.append(Install(view.path, package.line, 1, pinned, "lock"))
    return found


def requirement_options(project: Project) -> list[Mention]:
    """Index URLs written in requirements files (``--index-url ...``)."""
    if not project.has("pydeps"):
        return []
    from toolkit.check.views.pydeps import RequirementsFile

    found = []
    for view in project.views("pydeps"):
        if isinstance(view, RequirementsFile) and view.options:
            text = project.text(view.path) or ""
            for number, line in enumerate(text.splitlines(), 1):
                option = _INDEX_OPTION.match(line)
                if option:
                    url = option.group(1)
                    found.append(Mention(view.path, number, line.find(url) + 1, url, "index URL"))
    return found


def pyproject_index_urls(project: Project) -> list[Mention]:
    """Package index URLs declared in ``pyproject.toml`` (uv and poetry sources)."""
    if not project.has("pydeps"):
        return []
    from toolkit.check.views.pydeps import Pyproject, find_line

    found = []
    for view in project.views("pydeps"):
        if not isinstance(view, Pyproject):
            continue
        tool = view.data.get("tool", {}) if isinstance(view.data.get("tool"), dict) else {}
        sources = [
            *(tool.get("uv", {}).get("index", []) if isinstance(tool.get("uv"), dict) else []),
            *(
                tool.get("poetry", {}).get("source", [])
                if isinstance(tool.get("poetry"), dict)
                else []
            ),
        ]
        lines = (project.text(view.path) or "").splitlines()
        for source in sources:
            url = source.get("url") if isinstance(source, dict) else None
            if isinstance(url, str):
                line, column = find_line(lines, url)
                found.append(Mention(view.path, line, column, url, "index URL"))
    return found
