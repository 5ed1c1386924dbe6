"""Version mentions across files, for the cross-file consistency rules.

Each function reads views (and, for shell commands and Terraform, the text of
files that views match) and returns :class:`Mention` values: a version, where it
is written, and a short description of the place. Nothing here is a view kind;
it is the shared reading layer of the ``X`` rules.
"""

from __future__ import annotations

import re
from collections import Counter
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


@dataclass(frozen=True)
class StepInput:
    """A ``with:`` input of a step or a reusable-workflow call, as plain data.

    ``text`` is the scalar as written (``None`` for a mapping, list or boolean);
    when it is ``${{ matrix.KEY }}``, ``matrix`` holds that key's values (text,
    line, column) and ``matrix_size`` how many there are.
    """

    path: str
    line: int
    column: int
    text: str | None
    uses: str
    matrix: tuple[tuple[str, int, int], ...] = ()
    matrix_size: int = 0


def action_inputs(project: Project, name: str, uses: str | None = None) -> list[StepInput]:
    """Every step input called ``name``, in workflows and then in composite actions;
    with ``uses``, only in files that mention that action (the others are not parsed)."""
    fact = f"inputs:{name}:{uses or ''}"
    return [
        item
        for kind in ("workflow", "action")
        for item in project.each_file(kind, fact, lambda view, _: _inputs(view, name), needle=uses)
        if uses is None or item.uses.startswith(uses)
    ]


def _inputs(view: Any, name: str) -> list[StepInput]:
    jobs = getattr(view, "jobs", None)
    groups = [(job.node, job.steps) for job in jobs] if jobs is not None else [(None, view.steps)]
    found = []
    for job_node, steps in groups:
        for step in steps:
            if name in step.with_:
                found.append(_input(view.path, step.with_[name], job_node, step.uses))
    for job in jobs or []:
        if job.with_ is not None and name in job.with_:
            found.append(_input(view.path, job.with_[name], job.node, job.uses))
    return found


def _input(path: str, value: Any, job_node: Any, uses: Any) -> StepInput:
    text = scalar_text(value)
    line, column = _position(value, (1, 1))
    matrix: list[tuple[str, int, int]] = []
    size = 0
    reference_key = _MATRIX_REF.fullmatch(text.strip()) if text is not None else None
    if reference_key:
        items = _matrix_values(job_node, reference_key.group(1))
        size = len(items)
        for item in items:
            item_text = scalar_text(item)
            if item_text is not None:
                matrix.append((item_text, *_position(item, (line, column))))
    return StepInput(path, line, column, text, str(uses or ""), tuple(matrix), size)


def input_versions(project: Project, name: str, what: str, rank: int) -> list[Mention]:
    """Versions given to inputs called ``name``, matrix references resolved."""
    found = []
    for item in action_inputs(project, name):
        text = item.text
        if text is None:
            continue
        uses = item.uses
        label = f"{uses.split('@')[0]} {name}" if uses else f"{what} {name}"
        if _MATRIX_REF.fullmatch(text.strip()):
            for value, line, column in item.matrix:
                mention = Mention(
                    item.path, line, column, value, f"matrix {label}", rank, item.matrix_size
                )
                found.append(mention)
            continue
        if "${{" in text:
            continue
        for offset, part in enumerate(p for p in text.splitlines() if p.strip()):
            found.append(
                Mention(item.path, item.line + offset, item.column, part.strip(), label, rank)
            )
    return found


def docker_images(project: Project) -> list[Mention]:
    """Every ``FROM`` image, workflow ``container``/``services`` image, and the images
    of dev containers and GitLab CI jobs."""
    return [
        *project.each_file("dockerfile", "images", lambda view, _: _from_images(view)),
        *project.each_file("workflow", "images", lambda view, _: _job_images(view)),
        *project.each_file("runtime", "images", lambda view, _: _placed(view, view.images)),
    ]


def runtime_pythons(project: Project) -> list[Mention]:
    """Python versions a dev container declares outside its image (the python feature)."""
    return project.each_file("runtime", "pythons", lambda view, _: _placed(view, view.pythons))


def runtime_cudas(project: Project) -> list[Mention]:
    """CUDA versions a dev container declares outside its image (the nvidia-cuda feature)."""
    return project.each_file("runtime", "cudas", lambda view, _: _placed(view, view.cudas))


def _placed(view: Any, items: list[Any]) -> list[Mention]:
    return [Mention(view.path, item.line, item.col, item.value, item.what, 4) for item in items]


def _from_images(view: Any) -> list[Mention]:
    return [
        Mention(view.path, item.line, item.col, item.resolved, "FROM")
        for item in view.froms
        if not item.stage_ref and not item.unresolved
    ]


def _job_images(view: Any) -> list[Mention]:
    return [
        Mention(view.path, image.line, image.col, str(image), "image")
        for job in view.jobs
        for image in job.images
    ]


def _uncomment(text: str) -> str:
    return "\n".join("" if line.lstrip().startswith("#") else line for line in text.splitlines())


def shell_installs(project: Project) -> tuple[list[Install], list[Mention]]:
    """Requirements installed by ``pip install`` in workflows, actions and Dockerfiles,
    and the index URLs those commands use."""
    return project.derived("shell-installs", lambda: _shell_installs(project))


def _shell_installs(project: Project) -> tuple[list[Install], list[Mention]]:
    found = [
        item
        for kind in SHELL_KINDS
        for item in project.each_file(kind, "shell-installs", _installs_of, parse=False)
    ]
    installs = [item for item in found if isinstance(item, Install)]
    return installs, [item for item in found if isinstance(item, Mention)]


def _installs_of(path: str, text: str) -> list[Install | Mention]:
    """The installs (then the index URLs) of one file's shell commands."""
    if "install" not in text:
        return []
    from toolkit.check.views._pip_commands import scan

    found, indexes = scan(_uncomment(text))
    return [*(_install(path, item) for item in found), *(_url(path, item) for item in indexes)]


def _install(path: str, item: Installed) -> Install:
    return Install(path, item.line + 1, item.column, item.requirement, "pip install")


def _url(path: str, item: IndexUrl) -> Mention:
    return Mention(path, item.line + 1, item.column, item.url, "index URL")


def hook_dependencies(project: Project) -> list[Install]:
    """Each pre-commit hook's ``additional_dependencies``."""
    if not project.has("precommit"):
        return []
    return project.each_file("precommit", "hook-dependencies", lambda v, _: _hook_deps(v))


def _hook_deps(view: Any) -> list[Install]:
    from toolkit.check.views._requirements import parse_requirement

    found = []
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


def lock_requirements(project: Project) -> list[Install]:
    """Exact pins of every requirements lock, ``uv.lock``, ``poetry.lock`` and the PyPI
    pins of ``pdm.lock``, ``Pipfile.lock``, ``pixi.lock`` and ``conda-lock.yml``."""
    if not project.has("pydeps"):
        return []
    return project.each_file("pydeps", "lock-requirements", lambda view, _: _locked(view))


def _locked(view: Any) -> list[Install]:
    from toolkit.check.views._requirements import parse_requirement
    from toolkit.check.views.pydeps import OtherLock, PoetryLock, RequirementsFile, UvLock

    found = []
    if isinstance(view, RequirementsFile) and not view.is_input:
        for requirement in view.requirements:
            if requirement.exact:
                label = "lock" if view.is_lock else "requirements"
                found.append(
                    Install(view.path, requirement.line, requirement.column, requirement, label)
                )
    elif isinstance(view, (UvLock, PoetryLock, OtherLock)):
        for package in view.packages:
            marker = f" ; {package.marker}" if package.marker else ""
            text = f"{package.name}=={package.version}{marker}"
            pinned = parse_requirement(text, package.line)
            if pinned is not None:
                found.append(Install(view.path, package.line, 1, pinned, "lock"))
    return found


def requirement_options(project: Project) -> list[Mention]:
    """Index URLs written in requirements files (``--index-url ...``)."""
    if not project.has("pydeps"):
        return []
    return project.each_file("pydeps", "requirement-options", _index_options)


def _index_options(view: Any, text: str) -> list[Mention]:
    from toolkit.check.views.pydeps import RequirementsFile

    found = []
    if isinstance(view, RequirementsFile) and view.options:
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
    return project.each_file("pydeps", "pyproject-index-urls", _pyproject_sources)


def _pyproject_sources(view: Any, text: str) -> list[Mention]:
    from toolkit.check.views.pydeps import Pyproject, find_line

    if not isinstance(view, Pyproject):
        return []
    tool = view.data.get("tool", {}) if isinstance(view.data.get("tool"), dict) else {}
    sources = [
        *(tool.get("uv", {}).get("index", []) if isinstance(tool.get("uv"), dict) else []),
        *(tool.get("poetry", {}).get("source", []) if isinstance(tool.get("poetry"), dict) else []),
    ]
    lines = text.splitlines()
    found = []
    for source in sources:
        url = source.get("url") if isinstance(source, dict) else None
        if isinstance(url, str):
            line, column = find_line(lines, url)
            found.append(Mention(view.path, line, column, url, "index URL"))
    return found
