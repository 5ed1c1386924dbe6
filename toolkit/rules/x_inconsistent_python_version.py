"""## What it does
Checks each project's Python versions against its contract. The contract is
`.python-version` and the declared ranges: `requires-python` and poetry's
`python` constraint in `pyproject.toml`, `python_requires` in `setup.py` and
`setup.cfg` (a range that allows one `X.Y` only also names the version).
Deployment artefacts, the Dockerfile bases (`python:X.Y`, a `pyXY` tag part
such as `rayproject/ray:2.41.0-py310-cu118`), dev containers (their image, such
as `devcontainers/python:1-X.Y`, and their python feature's `version`) and the
Python a compiled lock was resolved for (`pip-compile ... with Python X.Y`,
`uv pip compile --python-version X.Y`), must name the contract's version and
lie inside its ranges (a `--universal` lock's `--python-version` is a floor,
read as the range `>=X.Y`); with no contract they must agree
with each other. CI versions, any action or reusable-workflow input called
`python-version` (with `${{ matrix.* }}` resolved to the matrix values), job
images and GitLab CI images, only have to lie inside the ranges: a CI matrix inside
`requires-python` is a test matrix, not drift.

Each project (a nested git work tree, a folder with its own `pyproject.toml`
or `setup.py`, see `toolkit/check/scope.py`) has its own contract; a workflow
job that runs in a `working-directory` belongs to that folder's project.

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
Build images from the version in `.python-version` (`mlrig new` writes one
version everywhere); keep `requires-python` a range that contains it and every
version CI tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.views._images import image_python
from toolkit.check.views._pep440 import satisfies
from toolkit.check.views.mentions import (
    Mention,
    docker_images,
    input_versions,
    runtime_pythons,
)

if TYPE_CHECKING:
    from typing import NamedTuple

    from toolkit.check.scope import Scope
else:
    from toolkit.check._record import NamedTuple

CODE = "X001"
NAME = "inconsistent-python-version"
FAMILY = "consistency"
SUMMARY = "Files name different Python versions"
VIEWS: tuple[str, ...] = ("pydeps", "workflow", "action", "dockerfile", "runtime")

# Images that run the code (a Dockerfile base, a dev container): they must name the
# contract's version. Job and GitLab CI images are tests: inside the ranges is enough.
_DEPLOYED_IMAGES = frozenset({"FROM", "devcontainer image"})
_MINOR = re.compile(r"(?:python|py|cpython-?)?(\d+\.\d+)(?:\.(\d+))?(?:$|[^\d.])", re.IGNORECASE)


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


class Places(NamedTuple):
    """The Python versions of one project, by the part they play."""

    contract: list[Mention]  # .python-version files (exact)
    ranges: list[Mention]  # requires-python, python_requires, poetry's python
    deployed: list[Mention]  # Dockerfile bases, dev containers, locks' Python
    tested: list[Mention]  # workflow inputs, job and GitLab CI images


def collect(project: Project) -> dict[str, Places]:
    """Every Python mention, by the project it belongs to (see :mod:`toolkit.check.scope`)."""
    from toolkit.check.scope import scope_of

    scope = scope_of(project)
    from toolkit.rules._lock_python import lock_pythons

    exact, ranges = _declared(project) if project.has("pydeps") else ([], [])
    ranges.extend(_poetry_python(project))
    tested = input_versions(project, "python-version", "setup-python", 3)
    deployed, floors = lock_pythons(project)
    ranges.extend(floors)
    for image in docker_images(project):
        version = image_python(image.value)
        if version:
            deploys = image.what in _DEPLOYED_IMAGES
            what = "FROM python" if image.what == "FROM" else f"{image.what} python"
            mention = Mention(image.path, image.line, image.column, version, what, 4)
            (deployed if deploys else tested).append(mention)
    deployed.extend(runtime_pythons(project))
    groups: dict[str, Places] = {}
    for bucket, mentions in enumerate((exact, ranges, deployed, tested)):
        for mention in mentions:
            if not (mention.value.strip() if bucket == 1 else _minor(mention.value)):
                continue
            home = scope.unit_of(mention.path, mention.line).project
            places = groups.setdefault(home, Places([], [], [], []))
            places[bucket].append(mention)
    return groups


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Per project: the contract agrees with itself, deployments with the contract, and
    CI inside the declared ranges (a matrix there is a test matrix, not drift)."""
    del options
    from toolkit.check.scope import scope_of

    for places in collect(project).values():
        ranges = list({m.value: m for m in reversed(places.ranges)}.values())[::-1]
        exact = _exact_contract(places.contract, ranges)
        for mention in [*places.contract, *places.deployed]:
            yield from _against_contract(mention, exact, ranges)
        if exact is None:
            yield from _deployments_among_themselves(scope_of(project), places.deployed)
        for mention in places.tested:
            if mention.alternatives > 1 or ranges:
                yield from _outside(mention, exact if mention.alternatives == 1 else None, ranges)
            elif exact is not None:
                yield from _against_contract(mention, exact, [])


def _exact_contract(contract: list[Mention], ranges: list[Mention]) -> Mention | None:
    """``.python-version``, else a declared range that allows one ``X.Y`` only."""
    if contract:
        return min(contract, key=lambda m: (m.path.count("/"), m.path))
    for declared in ranges:
        minor = single_minor(declared.value)
        if minor:
            return Mention(declared.path, declared.line, declared.column, minor, declared.what, 1)
    return None


def _against_contract(
    mention: Mention, exact: Mention | None, ranges: list[Mention]
) -> Iterator[Finding]:
    mine = _minor(mention.value)
    if exact is not None and mention != exact and mine != _minor(exact.value):
        message = (
            f"python {mine} here, but {_minor(exact.value)} in {exact.where} ({exact.what});"
            f" use {_minor(exact.value)}"
        )
        yield Finding(mention.path, mention.line, mention.column, CODE, message)
        return
    yield from _outside(mention, None, ranges)


def _outside(mention: Mention, exact: Mention | None, ranges: list[Mention]) -> Iterator[Finding]:
    for declared in ranges:
        if _inside(mention.value, declared.value):
            continue
        if exact is not None:
            yield from _against_contract(mention, exact, [])
            return
        message = (
            f"python {mention.value} here is outside {declared.what} "
            f"'{declared.value}' in {declared.where}; use a version inside it"
        )
        yield Finding(mention.path, mention.line, mention.column, CODE, message)
        return


def _deployments_among_themselves(scope: Scope, deployed: list[Mention]) -> Iterator[Finding]:
    """With no contract, the images that run the code must still agree with each other."""
    from toolkit.check.scoped import disagreements, places

    for mention, others in disagreements(scope, deployed, key=lambda m: _minor(m.value)):
        found = places(others, lambda m: str(_minor(m.value)))
        message = f"python {_minor(mention.value)} here, but {found}; use one version"
        yield Finding(mention.path, mention.line, mention.column, CODE, message)


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
