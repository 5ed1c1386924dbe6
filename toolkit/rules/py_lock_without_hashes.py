"""## What it does
Reports lock entries without artifact hashes: requirements locks (compiled
files and `*.lock`) whose requirements lack `--hash`, and `uv.lock`/
`poetry.lock` packages from an index with no file hash.

## Why is this bad
A version number names a release, not its bytes. Without hashes, a
re-uploaded or tampered wheel, or a different index serving the same name,
installs silently; with them pip and uv refuse anything else.

## Example
```text
# requirements.lock
numpy==2.1.3
```

## Fix
Re-lock with hashes: `uv pip compile --generate-hashes` or
`pip-compile --generate-hashes`; `uv lock` and `poetry lock` record them
by themselves.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.views.pydeps import PoetryLock, RequirementsFile, UvLock
from toolkit.check.views.pydeps_project import views

CODE = "PY004"
NAME = "lock-without-hashes"
FAMILY = "python-dependencies"
SUMMARY = "A lock file pins versions without artifact hashes"
SEVERITY = "warning"
VIEWS: tuple[str, ...] = ("pydeps",)
HASHED_SOURCES = frozenset({"registry", "legacy"})


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Hashes for every pinned requirement or index package."""
    del options
    for view in views(project):
        if isinstance(view, RequirementsFile) and view.is_lock:
            yield from _requirements(view)
        elif isinstance(view, (UvLock, PoetryLock)):
            for package in view.packages:
                if package.source in HASHED_SOURCES and not package.hashed:
                    message = f"{package.name}=={package.version} has no file hashes; re-lock"
                    yield Finding(view.path, package.line, 1, CODE, message)


def _requirements(view: RequirementsFile) -> Iterator[Finding]:
    pinned = [r for r in view.requirements if r.url is None]
    if not pinned:
        return
    if not any(r.hashes for r in pinned):
        message = "no requirement has a --hash; re-lock with --generate-hashes"
        yield Finding(view.path, pinned[0].line, pinned[0].column, CODE, message)
        return
    for requirement in pinned:
        if not requirement.hashes:
            message = f"{requirement.name} has no --hash; re-lock with --generate-hashes"
            yield Finding(view.path, requirement.line, requirement.column, CODE, message)
