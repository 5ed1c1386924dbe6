"""What a serving image is built with: its Python, and versions set by build arguments.

The image's Python is, in this order: the last ``FROM`` of its Dockerfile that names
one (``python:3.12-slim``, ``python:${PYTHON_VERSION}-slim`` with the ARG's default), a
``PYTHON_VERSION``-like ``ARG`` default of that Dockerfile (a base without Python that
installs it), the repository's ``.python-version``, the lowest ``X.Y`` that
``requires-python`` allows; else it is unknown. A ``pip install`` of ``name==${VAR}``
takes its version from the ``ARG VAR=default`` before it; an ``ARG`` without a default
leaves the version to whoever builds the image.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NamedTuple

from toolkit.check.project import Project
from toolkit.check.views._images import image_python

_VAR = re.compile(r"\$(?:\{(\w+)\}|(\w+))")
_PYTHON_ARG = re.compile(r"(?i)py(?:thon)?[_-]?(?:version|ver)?")
_RELEASE = re.compile(r"[\"']?(\d+\.\d+(?:\.\d+)?)[\"']?")


class ArgPin(NamedTuple):
    """``name==<version>`` in a RUN whose version names a build argument."""

    path: str
    line: int
    column: int
    name: str
    written: str  # as written, with ``${VAR}``
    resolved: str | None  # with every ARG default substituted; None when one has none


class Python(NamedTuple):
    """The Python an image runs, and where that is said; no ``versions``: unknown (several:
    one of them, as when several serving Dockerfiles could have built a pinned image)."""

    versions: tuple[str, ...]
    source: str


def image_pythons(project: Project, serving: Callable[[str], bool]) -> dict[str, Python]:
    """Dockerfile path -> its image's Python (serving Dockerfiles whose own text says)."""
    if not project.has("dockerfile"):
        return {}
    found = project.each_file("dockerfile", "image-python", lambda view, _: _python_of(view))
    return {path: Python((version,), path) for path, version in found if serving(path)}


def _python_of(view: Any) -> list[tuple[str, str]]:
    """``[(path, X.Y[.Z])]``: the last ``FROM`` naming a Python, else a Python ``ARG``."""
    for item in reversed(view.froms):
        version = None if item.stage_ref or item.unresolved else image_python(item.resolved)
        if version:
            return [(view.path, version)]
    for instruction in reversed(view.instructions):
        name, equals, default = instruction.arguments.partition("=")
        found = _RELEASE.fullmatch(default.strip()) if equals else None
        if instruction.keyword == "ARG" and _PYTHON_ARG.fullmatch(name.strip()) and found:
            return [(view.path, found[1])]
    return []


def contract_python(project: Project) -> Python:
    """The repository's Python: its root ``.python-version``, else the lowest ``X.Y`` its
    root ``requires-python`` allows; unknown when it names neither."""
    if not project.has("pydeps"):
        return Python((), "")
    found = project.each_file("pydeps", "contract-python", lambda view, _: _declared(view))
    for rank in (0, 1):
        for _, version, source in sorted(item for item in found if item[0] == rank):
            return Python((version,), source)
    return Python((), "")


def _declared(view: Any) -> list[tuple[int, str, str]]:
    from toolkit.check.views.pydeps import Pyproject, PythonVersionFile

    if "/" in view.path:
        return []
    if isinstance(view, PythonVersionFile) and view.version is not None:
        found = _RELEASE.match(view.version.text.strip())
        return [(0, found[1], view.path)] if found else []
    if isinstance(view, Pyproject) and view.requires_python is not None:
        spec = view.requires_python.text
        lowest = _lowest(spec)
        return [(1, lowest, f"requires-python {spec!r}, its lowest")] if lowest else []
    return []


def _lowest(spec: str) -> str | None:
    from toolkit.check.views._pep440 import satisfies

    for major, minor in [(2, 7), *((3, m) for m in range(40))]:
        if any(satisfies(f"{major}.{minor}.{patch}", spec) for patch in (0, 5, 30, 99)):
            return f"{major}.{minor}"
    return None


def arg_pins(
    project: Project, names: tuple[str, ...], serving: Callable[[str], bool]
) -> list[ArgPin]:
    """Every ``name==${VAR}`` of ``names`` in the RUN lines of serving Dockerfiles."""
    if not project.has("dockerfile"):
        return []
    pattern = re.compile(
        r"(?<![\w.-])(?P<name>" + "|".join(re.escape(n) for n in names) + r")"
        r"\s*===?\s*(?P<version>[^\s\"';]*\$[^\s\"';]*)",
        re.IGNORECASE,
    )
    found = project.each_file("dockerfile", "arg-pins", lambda view, _: _in(view, pattern))
    return [pin for pin in found if serving(pin.path)]


def _in(view: Any, pattern: re.Pattern[str]) -> list[ArgPin]:
    defaults: dict[str, str | None] = {}
    found = []
    for instruction in view.instructions:
        if instruction.keyword == "ARG":
            name, equals, default = instruction.arguments.partition("=")
            defaults[name.strip()] = default.strip().strip("\"'") if equals else None
        elif instruction.keyword == "RUN":
            for match in pattern.finditer(instruction.arguments):
                where = instruction.first_line.find(match[0])
                column = where + 1 if where >= 0 else instruction.col
                resolved = _substitute(match["version"], defaults)
                pin = ArgPin(
                    view.path,
                    instruction.line,
                    column,
                    match["name"].lower(),
                    match["version"],
                    resolved,
                )
                found.append(pin)
    return found


def _substitute(text: str, defaults: dict[str, str | None]) -> str | None:
    missing = False

    def value(found: re.Match[str]) -> str:
        nonlocal missing
        default = defaults.get(found[1] or found[2])
        if default is None:
            missing = True
            return found[0]
        return default

    resolved = _VAR.sub(value, text)
    return None if missing or "$" in resolved else resolved
