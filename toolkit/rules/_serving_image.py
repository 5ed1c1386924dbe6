"""What a serving image is built with: its Python, and versions set by build arguments.

The Python is the final ``FROM`` of the image's Dockerfile when its tag names one
(``python:3.12-slim``), else the repository's ``.python-version``. A ``pip install``
of ``name==${VAR}`` takes its version from the ``ARG VAR=default`` before it; an
``ARG`` without a default leaves the version to whoever builds the image.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NamedTuple

from toolkit.check.project import Project
from toolkit.check.views._images import image_python
from toolkit.check.views.mentions import docker_images

_VAR = re.compile(r"\$(?:\{(\w+)\}|(\w+))")


class ArgPin(NamedTuple):
    """``name==<version>`` in a RUN whose version names a build argument."""

    path: str
    line: int
    column: int
    name: str
    written: str  # as written, with ``${VAR}``
    resolved: str | None  # with every ARG default substituted; None when one has none


def image_pythons(project: Project, serving: Callable[[str], bool]) -> dict[str, str]:
    """Dockerfile path -> the Python of its last ``FROM`` that names one (serving files)."""
    found: dict[str, str] = {}
    for image in docker_images(project):
        version = image_python(image.value) if image.what == "FROM" else None
        if version and serving(image.path):
            found[image.path] = ".".join(version.split(".")[:2])
    return found


def repository_python(project: Project) -> str | None:
    """The ``X.Y`` of the root ``.python-version``, if there is one."""
    if not project.has("pydeps"):
        return None
    found = project.each_file("pydeps", "python-version-file", lambda view, _: _version(view))
    return found[0] if found else None


def _version(view: Any) -> list[str]:
    from toolkit.check.views.pydeps import PythonVersionFile

    if isinstance(view, PythonVersionFile) and view.version is not None and "/" not in view.path:
        return [".".join(view.version.text.strip().split(".")[:2])]
    return []


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
