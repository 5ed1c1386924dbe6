"""What the training lock pins of the model frameworks, for the Python a serving image runs.

The training lock is every lock of the project outside the serving folders: a compiled
requirements file, a ``*.lock``, ``uv.lock``/``poetry.lock`` and the other lock formats,
and a requirements file in which every line carries ``--hash`` (pip installs it in
hash-checking mode, so it is a lock whatever its name). A lock line counts for a Python
unless its environment marker rules that Python out; for an unknown Python every line
counts, and the caller says so.
"""

from __future__ import annotations

from collections.abc import Callable

from toolkit.check.project import Project
from toolkit.check.views._markers import applies
from toolkit.check.views._requirements import canonical
from toolkit.check.views.mentions import Install, lock_requirements
from toolkit.rules._serving_image import Python

# A framework version -> the lock lines that pin it: (path, marker), marker "" for none.
Pinned = dict[str, list[tuple[str, str]]]


class TrainingLock:
    """Framework package -> {version: where} over the training locks, for one Python."""

    def __init__(
        self, project: Project, frameworks: tuple[str, ...], serving: Callable[[str], bool]
    ) -> None:
        installs = lock_requirements(project)
        hashed = _hashed_files(installs)
        self.installs = [
            install
            for install in installs
            if (install.what == "lock" or install.path in hashed) and not serving(install.path)
        ]
        self.frameworks = frameworks
        self.names = {canonical(install.requirement.name) for install in self.installs}
        self.cache: dict[tuple[str, ...], dict[str, Pinned]] = {}

    def of(self, python: Python) -> dict[str, Pinned]:
        """What the lock pins of each framework for ``python`` (every line when unknown)."""
        if python.versions not in self.cache:
            self.cache[python.versions] = self._for(python.versions)
        return self.cache[python.versions]

    def _for(self, pythons: tuple[str, ...]) -> dict[str, Pinned]:
        found: dict[str, Pinned] = {}
        for install in self.installs:
            name = canonical(install.requirement.name)
            version = install.requirement.exact
            marker = install.requirement.marker.strip()
            if name not in self.frameworks or not version:
                continue
            if marker and pythons and all(applies(marker, p) is False for p in pythons):
                continue  # this line is for another Python than the image's
            where = found.setdefault(name, {}).setdefault(version, [])
            if (install.path, marker) not in where:
                where.append((install.path, marker))
        return found


def _hashed_files(installs: list[Install]) -> set[str]:
    """Requirements files whose every pinned line carries a hash (``--require-hashes``)."""
    paths: dict[str, bool] = {}
    for install in installs:
        if install.what == "requirements":
            paths[install.path] = paths.get(install.path, True) and bool(install.requirement.hashes)
    return {path for path, all_hashed in paths.items() if all_hashed}


def described(pinned: Pinned, python: Python) -> str:
    """``the training lock pins 1.9.1 (requirements.txt, <marker>) for Python 3.11 (where
    that is said)``: each version with the lock lines that pin it; the Python only when a
    marker makes it matter."""
    versions = " or ".join(
        f"{version} ({'; '.join(_place(path, marker) for path, marker in where)})"
        for version, where in sorted(pinned.items())
    )
    if not any(marker for where in pinned.values() for _, marker in where):
        return f"the training lock pins {versions}"
    if python.versions:
        pythons = " or ".join(python.versions)
        return f"the training lock pins {versions} for Python {pythons} ({python.source})"
    return (
        f"the training lock pins {versions}, and the image's Python is unknown"
        " (no Python FROM or ARG in its Dockerfile, no .python-version, no requires-python),"
        " so each is a candidate"
    )


def _place(path: str, marker: str) -> str:
    return f"{path}, {marker}" if marker else path
