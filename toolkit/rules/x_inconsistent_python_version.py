"""## What it does
Collects every Python version the repository names: `.python-version`,
`requires-python` and poetry's `python` constraint in `pyproject.toml`,
`python_requires` in `setup.py` and `setup.cfg`, any action or
reusable-workflow input called `python-version` (with `${{ matrix.* }}`
resolved to the matrix values) and Dockerfile `FROM python:X.Y` bases. Exact
versions must name one `X.Y`; every version must lie inside the declared ranges.
A matrix that lists several versions is only checked against the ranges.

## Why is this bad
Tests pass on 3.11 in CI, the model trains on 3.12 in the image, and the lock
was resolved for 3.10: the three environments install different wheels, and a
result from one does not reproduce in another.

## Example
```yaml
# .github/workflows/ci.yml, while .python-version says 3.11
      - uses: actions/setup-python@...  # v5
        with:
          python-version: "3.12"
```

## Fix
Pick one version and write it everywhere (`mlrig new` does); keep
`requires-python` a range that contains it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.views._pep440 import satisfies
from toolkit.check.views.mentions import Mention, docker_images, input_versions, reference

CODE = "X001"
NAME = "inconsistent-python-version"
FAMILY = "consistency"
SUMMARY = "Files name different Python versions"
VIEWS: tuple[str, ...] = ("pydeps", "workflow", "action", "dockerfile")

_MINOR = re.compile(r"(?:python|py|cpython-?)?(\d+\.\d+)(?:\.(\d+))?(?:$|[^\d.])", re.IGNORECASE)
_IMAGE = re.compile(r"(?:^|/)python:(\d+\.\d+(?:\.\d+)?)")


def _minor(text: str) -> str | None:
    found = _MINOR.match(text.strip())
    return found.group(1) if found else None


@lru_cache(maxsize=256)
def single_minor(spec: str) -> str | None:
    """The one ``X.Y`` a specifier allows, if it allows exactly one."""
    allowed = [
        f"3.{minor}"
        for minor in range(40)
        if any(satisfies(f"3.{minor}.{patch}", spec) for patch in (0, 5, 30))
    ]
    return allowed[0] if len(allowed) == 1 else None


def collect(project: Project) -> tuple[list[Mention], list[Mention]]:
    """Exact mentions (value ``X.Y`` or ``X.Y.Z``) and range mentions (value a specifier)."""
    exact, ranges = _declared(project) if project.has("pydeps") else ([], [])
    ranges.extend(_poetry_python(project))
    exact.extend(input_versions(project, "python-version", "setup-python", 3))
    for image in docker_images(project):
        found = _IMAGE.search(image.value.split("@")[0])
        if found:
            exact.append(
                Mention(image.path, image.line, image.column, found.group(1), "FROM python", 4)
            )
    usable = [m for m in exact if _minor(m.value)]
    return usable, [m for m in ranges if m.value.strip()]


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Exact versions agree; every version is inside every declared range."""
    del options
    exact, ranges = collect(project)
    ranges = list({m.value: m for m in reversed(ranges)}.values())[::-1]
    pinned = [m for m in exact if m.alternatives == 1]
    anchors = pinned + [
        Mention(m.path, m.line, m.column, minor, m.what, m.rank)
        for m in ranges
        if (minor := single_minor(m.value))
    ]
    ref = reference(anchors, key=lambda m: _minor(m.value))
    for mention in exact:
        mine = _minor(mention.value)
        if ref is not None and mention.alternatives == 1 and mine != _minor(ref.value):
            message = f"python {mine} here, but {_minor(ref.value)} in {ref.where} ({ref.what})"
            yield Finding(mention.path, mention.line, mention.column, CODE, message)
            continue
        for declared in ranges:
            if not _inside(mention.value, declared.value):
                message = (
                    f"python {mention.value} here is outside {declared.what} "
                    f"'{declared.value}' in {declared.where}"
                )
                yield Finding(mention.path, mention.line, mention.column, CODE, message)
                break


def poetry_range(constraint: str) -> str:
    """A poetry constraint (``^3.11``, ``~3.11``, ``3.11.*``) as a PEP 440 specifier."""
    clauses = []
    for part in constraint.replace(" ", "").split(","):
        version = part.lstrip("^~=")
        numbers = version.split(".")
        if part.startswith("^") and numbers[0].isdigit():
            clauses += [f">={version}", f"<{int(numbers[0]) + 1}"]
        elif part.startswith("~") and not part.startswith("~=") and len(numbers) >= 2:
            clauses += [f">={version}", f"<{numbers[0]}.{int(numbers[1]) + 1}"]
        elif part[:1].isdigit():
            clauses.append(f"=={part}")
        else:
            clauses.append(part)
    return ",".join(clauses)


def _declared(project: Project) -> tuple[list[Mention], list[Mention]]:
    """``.python-version`` values, and ``requires-python``/``python_requires`` ranges."""
    found = project.each_file("pydeps", "python-declared", lambda view, _: _declared_in(view))
    # Rank 0 is a .python-version file (exact); rank 1 a range.
    return [m for m in found if m.rank == 0], [m for m in found if m.rank == 1]


def _declared_in(view: Any) -> list[Mention]:
    from toolkit.check.views.pydeps import Pyproject, PythonVersionFile, SetupFile

    if isinstance(view, PythonVersionFile) and view.version is not None:
        value = view.version
        return [Mention(view.path, value.line, value.column, value.text, view.path, 0)]
    if isinstance(view, (Pyproject, SetupFile)) and view.requires_python is not None:
        value = view.requires_python
        label = "requires-python" if isinstance(view, Pyproject) else "python_requires"
        return [Mention(view.path, value.line, value.column, value.text, label, 1)]
    return []


def _poetry_python(project: Project) -> list[Mention]:
    if not project.has("pydeps"):
        return []
    return project.each_file("pydeps", "poetry-python", _poetry_python_in)


def _poetry_python_in(view: Any, text: str) -> list[Mention]:
    from toolkit.check.views.pydeps import Pyproject, find_line

    if not isinstance(view, Pyproject):
        return []
    deps = view.data.get("tool", {}).get("poetry", {}).get("dependencies", {})
    python = deps.get("python") if isinstance(deps, dict) else None
    if not isinstance(python, str) or not python.strip():
        return []
    lines = text.splitlines()
    start = find_line(lines, "[tool.poetry.dependencies]")[0]
    line, column = find_line(lines, "python", start)
    return [Mention(view.path, line, column, poetry_range(python), "tool.poetry python", 1)]


@lru_cache(maxsize=1024)
def _inside(version: str, spec: str) -> bool:
    found = _MINOR.match(version.strip())
    if found is None:
        return True
    minor, patch = found.group(1), found.group(2)
    candidates = [f"{minor}.{patch}"] if patch else [f"{minor}.{p}" for p in range(40)]
    results = [satisfies(candidate, spec) for candidate in candidates]
    return any(result is not False for result in results)
