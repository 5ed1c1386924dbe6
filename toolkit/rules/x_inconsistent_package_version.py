"""## What it does
Checks that each Python package has one version across the repository: the
lock files, `pip install` lines in workflow `run:` steps and Dockerfiles,
pre-commit `additional_dependencies`, pre-commit mirrors of Python tools
(`ruff-pre-commit`'s `rev` is the ruff version) and tool-installing actions
(`astral-sh/setup-uv` `version:`). A lock pin is the reference; a range
elsewhere must contain it. The lock that counts is the one the mention's unit
installs (a Dockerfile that copies and installs it, a job that runs
`pip install -r` or `uv sync` on it), else the locks of its own project;
separate projects (nested git trees, folders with their own manifest or build
context) and variants (files named for `cu118`, `rocm`, `cpu`...) are never
compared with each other. A lock compiled against another lock (its header
command has `-c other.txt`, as a dev lock compiled against the training lock
that adds torch) must pin every package they share at the same versions.

## Why is this bad
The linter in pre-commit, the one in CI and the one in the lock disagree about
what is an error; a workflow that installs its own `scikit-learn` trains with a
different version than the one tested against the lock.

## Example
```yaml
# .pre-commit-config.yaml, while requirements.lock pins ruff==0.6.9
  - repo: https://github.com/astral-sh/ruff-pre-commit
    rev: v0.7.0
```

## Fix
Use the lock's version everywhere, or install from the lock
(`pip install -r requirements.lock`) instead of naming versions again.
Packages that are deliberately pinned apart (say, `pip` itself) go in the
`ignore-packages` option:
```toml
[tool.mlrig.rules.X007]
ignore-packages = ["pip"]
```
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.views._pep440 import parse_version, satisfies
from toolkit.check.views._requirements import canonical
from toolkit.check.views.mentions import (
    Install,
    Mention,
    action_inputs,
    hook_dependencies,
    lock_requirements,
    shell_installs,
)
from toolkit.rules._constrained_locks import constraint_links

if TYPE_CHECKING:
    from toolkit.check.scope import Scope

CODE = "X007"
NAME = "inconsistent-package-version"
FAMILY = "consistency"
SUMMARY = "A package is pinned at different versions in different files"
VIEWS: tuple[str, ...] = ("pydeps", "workflow", "action", "dockerfile", "precommit")
OPTIONS: dict[str, Any] = {"ignore-packages": []}

# pre-commit repositories whose `rev` is the version of a Python package.
MIRRORS = {
    "astral-sh/ruff-pre-commit": "ruff",
    "pre-commit/mirrors-mypy": "mypy",
    "psf/black-pre-commit-mirror": "black",
    "psf/black": "black",
    "pycqa/isort": "isort",
    "pycqa/flake8": "flake8",
    "iterative/dvc": "dvc",
}
# Actions whose `version` input is the version of a Python package.
SETUP_ACTIONS = {"astral-sh/setup-uv": "uv", "iterative/setup-dvc": "dvc"}


def _base(version: str) -> Any:
    parsed = parse_version(version.split("+", 1)[0])
    return parsed.key if parsed else version


def _elsewhere(project: Project) -> list[Install]:
    installs, _ = shell_installs(project)
    found = [*installs, *hook_dependencies(project)]
    found.extend(_mirror_revs(project))
    found.extend(_setup_actions(project))
    return found


def _mirror_revs(project: Project) -> list[Install]:
    if not project.has("precommit"):
        return []
    return project.each_file("precommit", "mirror-revs", lambda view, _: _mirrors_in(view))


def _mirrors_in(view: Any) -> list[Install]:
    from toolkit.check.views._requirements import parse_requirement

    found = []
    for repo in view.repos:
        slug = "/".join(repo.repo.rstrip("/").removesuffix(".git").split("/")[-2:]).lower()
        package = MIRRORS.get(slug)
        if package and repo.rev and parse_version(str(repo.rev)):
            requirement = parse_requirement(f"{package}=={str(repo.rev).lstrip('v')}")
            if requirement is not None:
                line, column = repo.rev.line, repo.rev.col
                found.append(Install(view.path, line, column, requirement, f"{slug} rev"))
    return found


def _setup_actions(project: Project) -> Iterator[Install]:
    from toolkit.check.views._requirements import parse_requirement

    for item in action_inputs(project, "version"):
        package = SETUP_ACTIONS.get(item.uses.split("@")[0])
        text = item.text
        if package and text and parse_version(text):
            requirement = parse_requirement(f"{package}=={text.lstrip('v')}")
            if requirement is not None:
                where = item.uses.split("@")[0]
                yield Install(item.path, item.line, item.column, requirement, where)


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Every pinned mention against the lock it installs or its project's, else against
    the other mentions of its project."""
    from toolkit.check.scope import scope_of

    scope = scope_of(project)
    skipped = {canonical(str(name)) for name in options.get("ignore-packages", [])}
    locked: dict[str, list[Install]] = {}
    for pin in lock_requirements(project):
        locked.setdefault(pin.requirement.name, []).append(pin)
    by_name: dict[str, list[Install]] = {}
    for item in _elsewhere(project):
        if item.requirement.name in skipped:
            continue
        if item.requirement.specifier and item.requirement.url is None:
            by_name.setdefault(item.requirement.name, []).append(item)
    for name, items in sorted(by_name.items()):
        locks = _Locks(scope, locked.get(name, []))
        unlocked = []
        for item in items:
            pins = locks.for_item(item)
            if pins:
                yield from _against_lock(name, [item], pins)
            elif pins is not None:
                unlocked.append(item)
        yield from _among(scope, name, unlocked)
    shared = [
        pin for pins in locked.values() for pin in pins if pin.requirement.name not in skipped
    ]
    yield from _linked_locks(project, shared)


class _Locks:
    """The lock pins of one package, by unit and by project."""

    def __init__(self, scope: Scope, pins: list[Install]) -> None:
        self.scope = scope
        self.by_unit: dict[str, list[Install]] = {}
        self.by_group: dict[str, list[Install]] = {}
        for pin in pins:
            unit = scope.unit_of(pin.path, pin.line)
            self.by_unit.setdefault(unit.id, []).append(pin)
            if unit.tag is None:
                self.by_group.setdefault(unit.group, []).append(pin)

    def for_item(self, item: Install) -> list[Install] | None:
        """The pins ``item`` answers to: those of units linked to it, else those of its
        project's units that are not variants (``None`` for a variant with no linked lock)."""
        unit = self.scope.unit_of(item.path, item.line)
        reach = self.scope.linked(unit)
        near = [pin for uid in sorted(reach) for pin in self.by_unit.get(uid, ())]
        if near or unit.tag is not None:
            return near or None
        return self.by_group.get(unit.group, [])


def _linked_locks(project: Project, pins: list[Install]) -> Iterator[Finding]:
    """Each shared package of a lock and the lock it was compiled against, at one version set."""
    by_file: dict[str, dict[str, list[Install]]] = {}
    for pin in pins:
        by_file.setdefault(pin.path, {}).setdefault(pin.requirement.name, []).append(pin)
    for lock, other in constraint_links(project):
        theirs_by_name = by_file.get(other, {})
        for name, mine in sorted(by_file.get(lock, {}).items()):
            theirs = theirs_by_name.get(name)
            if theirs is None or _versions(mine) == _versions(theirs):
                continue
            first = theirs[0]
            message = (
                f"{name} {', '.join(sorted(_versions(mine)))} here, but {other}:{first.line} "
                f"pins {', '.join(sorted(_versions(theirs)))}; this lock is compiled with "
                f"-c {other}: re-lock both"
            )
            yield Finding(mine[0].path, mine[0].line, mine[0].column, CODE, message)


def _versions(pins: list[Install]) -> set[str]:
    return {str(pin.requirement.exact) for pin in pins}


def _against_lock(name: str, items: list[Install], pins: list[Install]) -> Iterator[Finding]:
    versions = [str(pin.requirement.exact) for pin in pins]
    first = pins[0]
    for item in items:
        exact = item.requirement.exact
        if exact is not None:
            ok = any(_base(exact) == _base(version) for version in versions)
        else:
            ok = any(satisfies(v, item.requirement.specifier) is not False for v in versions)
        if not ok:
            asked = exact if exact is not None else item.requirement.specifier
            message = (
                f"{name} {asked} here ({item.what}), but {first.path}:{first.line} "
                f"pins {name}=={versions[0]}; use {versions[0]}"
            )
            yield Finding(item.path, item.line, item.column, CODE, message)


def _among(scope: Scope, name: str, items: list[Install]) -> Iterator[Finding]:
    from toolkit.check.scoped import disagreements, places

    mentions = [
        Mention(i.path, i.line, i.column, str(i.requirement.exact), i.what)
        for i in items
        if i.requirement.exact
    ]
    for mention, others in disagreements(scope, mentions, key=lambda m: _base(m.value)):
        message = (
            f"{name} {mention.value} here ({mention.what}), "
            f"but {places(others, lambda m: m.value)}; use one version"
        )
        yield Finding(mention.path, mention.line, mention.column, CODE, message)
