"""## What it does
Checks, without running a resolver, that a lock file still matches its
manifest: every direct dependency is pinned in the lock (a requirements lock,
`uv.lock`, `poetry.lock` or `pdm.lock`) at a version its specifier allows; a
`uv.lock` records the same `requires-dist` as `pyproject.toml`; a
`poetry.lock` carries the `content-hash` poetry computes from
`pyproject.toml`; a pip-compile or uv lock has no package left `via` the input
file that the input no longer lists.

## Why is this bad
A lock that no longer matches its manifest installs something other than what
the manifest asks for: the dependency you just added is missing in CI, or a
version bump never reaches the training job.

## Example
```text
# requirements.in                  # requirements.lock
scikit-learn>=1.6                  scikit-learn==1.5.2
```

## Fix
Re-lock with the tool that wrote the lock (`uv pip compile ...`,
`uv lock`, `poetry lock`) and commit both files together.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.views._pep440 import satisfies
from toolkit.check.views._requirements import Requirement, canonical
from toolkit.check.views.pydeps import OtherLock, PoetryLock, Pyproject, RequirementsFile, UvLock
from toolkit.check.views.pydeps_project import Manifest, manifests, pins

CODE = "PY002"
NAME = "stale-lock-file"
FAMILY = "python-dependencies"
SUMMARY = "A lock file no longer matches its manifest"
VIEWS: tuple[str, ...] = ("pydeps",)
# What poetry hashes into poetry.lock's content-hash (poetry's Locker).
LEGACY_KEYS = ("dependencies", "source", "extras", "dev-dependencies")
POETRY_KEYS = (*LEGACY_KEYS, "group")
PROJECT_KEYS = ("requires-python", "dependencies", "optional-dependencies")


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Each manifest against its lock."""
    del options
    for manifest in manifests(project):
        if manifest.lock is not None:
            yield from _direct(manifest)
            yield from _uv_metadata(manifest)
            yield from _removed(manifest)
            yield from _poetry_hash(manifest, project)


def _direct(manifest: Manifest) -> Iterator[Finding]:
    assert manifest.lock is not None
    lock = manifest.lock
    if isinstance(lock, OtherLock) and lock.tool != "pdm":
        return  # conda packages stand in for PyPI ones under other names
    locked = pins(lock)
    for requirement in manifest.requirements:
        found = locked.get(requirement.name)
        if not found:
            if requirement.marker:
                continue
            message = f"{requirement.name} is not pinned in {lock.path}; re-lock"
            yield Finding(manifest.path, requirement.line, requirement.column, CODE, message)
        elif requirement.specifier and not any(
            satisfies(pin.version, requirement.specifier) is not False for pin in found
        ):
            pin = found[0]
            message = (
                f"{requirement.name}{requirement.specifier} here, but {lock.path}:{pin.line} "
                f"pins {requirement.name}=={pin.version}; re-lock"
            )
            yield Finding(manifest.path, requirement.line, requirement.column, CODE, message)


def _key(requirement: Requirement) -> tuple[str, str, tuple[str, ...]]:
    clauses = ",".join(sorted(re.sub(r"\s+", "", requirement.specifier).strip("()").split(",")))
    return requirement.name, clauses, tuple(sorted(requirement.extras))


def _uv_metadata(manifest: Manifest) -> Iterator[Finding]:
    lock = manifest.lock
    own = canonical(manifest.name) if manifest.name else None
    if not isinstance(lock, UvLock) or own not in lock.roots:
        # Only the lock's entry for this very project records its requirements;
        # other editable entries are path dependencies or other workspace members.
        return
    root = lock.roots[own]
    recorded = {_key(r) for r in root}
    names = {r.name for r in root} - lock.sourced.get(own, frozenset())
    for requirement in manifest.requirements:
        if _key(requirement) not in recorded and requirement.name in names:
            message = (
                f"{requirement.raw} here, but {lock.path} was locked with a different "
                "requirement for it; run `uv lock`"
            )
            yield Finding(manifest.path, requirement.line, requirement.column, CODE, message)
    listed = {r.name for r in manifest.requirements} | manifest.optional
    for requirement in root:
        if requirement.name not in listed:
            message = (
                f"this lock still requires {requirement.name}, which {manifest.path} "
                "no longer lists; run `uv lock`"
            )
            yield Finding(lock.path, requirement.line, 1, CODE, message)


def poetry_content_hash(pyproject: dict[str, Any]) -> str:
    """The ``content-hash`` poetry (1.x and 2.x) writes for this ``pyproject.toml`` data."""
    project = pyproject.get("project", {})
    poetry = pyproject.get("tool", {}).get("poetry", {})
    relevant_project = {k: project[k] for k in PROJECT_KEYS if project.get(k) is not None}
    relevant_poetry = {}
    for key in POETRY_KEYS:
        value = poetry.get(key)
        if value is None and (key not in LEGACY_KEYS or relevant_project):
            continue
        relevant_poetry[key] = value
    content: dict[str, Any] = relevant_poetry
    if relevant_project:
        content = {"project": relevant_project, "tool": {"poetry": relevant_poetry}}
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def _poetry_hash(manifest: Manifest, project: Project) -> Iterator[Finding]:
    lock = manifest.lock
    if not isinstance(lock, PoetryLock) or lock.content_hash is None:
        return
    view = project.view("pydeps", manifest.path)
    if isinstance(view, Pyproject) and poetry_content_hash(view.data) != lock.content_hash:
        message = f"content-hash does not match {manifest.path}; run `poetry lock`"
        yield Finding(lock.path, lock.content_hash_line, 1, CODE, message)


def _removed(manifest: Manifest) -> Iterator[Finding]:
    lock = manifest.lock
    if not isinstance(lock, RequirementsFile) or not manifest.path.endswith(".in"):
        return
    source = f"-r {manifest.path.rsplit('/', 1)[-1]}"
    direct = {requirement.name for requirement in manifest.requirements}
    for requirement in lock.requirements:
        sources = lock.via.get(requirement.name, ())
        if requirement.name not in direct and sources and all(s == source for s in sources):
            message = (
                f"{requirement.name} is pinned only for {manifest.path}, "
                "which no longer lists it; re-lock"
            )
            yield Finding(lock.path, requirement.line, requirement.column, CODE, message)
