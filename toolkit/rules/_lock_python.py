"""The Python a compiled requirements lock was resolved for, from its compiler's header.

``pip-compile`` writes ``... with Python 3.11``; ``uv pip compile --python-version
3.11`` resolves for that version, or, with ``--universal``, for every version from
it up (a floor, read as the range ``>=3.11``).
"""

from __future__ import annotations

from typing import Any

from toolkit.check._record import lazy_pattern
from toolkit.check.project import Project
from toolkit.check.views.mentions import Mention

_PIP_COMPILE = lazy_pattern(r"with Python (\d+\.\d+)")
_UV_VERSION = lazy_pattern(r"--python-version[=\s]+['\"]?(\d+\.\d+)")
HEADER_LINES = 12


def lock_pythons(project: Project) -> tuple[list[Mention], list[Mention]]:
    """Exact lock Pythons (deployment artefacts) and universal floors (ranges)."""
    if not project.has("pydeps"):
        return [], []
    found = project.each_file("pydeps", "lock-python", _lock_python_in)
    return [m for m in found if m.rank == 2], [m for m in found if m.rank == 1]


def _lock_python_in(view: Any, text: str) -> list[Mention]:
    from toolkit.check.views.pydeps import RequirementsFile

    if not isinstance(view, RequirementsFile) or not view.compiled:
        return []
    for number, line in enumerate(text.splitlines()[:HEADER_LINES], 1):
        if not line.startswith("#"):
            break
        pip = _PIP_COMPILE.search(line)
        uv = _UV_VERSION.search(line) if "uv" in line else None
        found = pip or uv
        if found is None:
            continue
        column = found.start(1) + 1
        if uv is not None and "--universal" in line:
            floor = f">={found.group(1)}"
            return [Mention(view.path, number, column, floor, "uv --universal --python-version", 1)]
        what = "pip-compile Python" if pip else "uv --python-version"
        return [Mention(view.path, number, column, found.group(1), what, 2)]
    return []
