"""What a hashed lock must provide before ``mlrig add ci`` writes a workflow that installs it.

The CI workflow installs ``requirements.txt`` with ``pip install --require-hashes``,
then the project with ``--no-deps --no-build-isolation``, and runs ``ruff``,
``pytest``, ``dvc`` and the package's YAML-reading modules: a lock without hashes,
without one of those, or without the project's build backend fails on the first run.
"""

from __future__ import annotations

import re
from pathlib import Path

from toolkit.errors import UserInputError

LOCK = "requirements.txt"
PINNED = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*==", re.MULTILINE)
NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def normalise(name: str) -> str:
    """The PEP 503 form of a distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _build_backends(repo: Path) -> list[str]:
    from toolkit.generate.infer import pyproject

    system = pyproject(repo).get("build-system")
    requires = system.get("requires") if isinstance(system, dict) else None
    names = [NAME.match(r) for r in requires if isinstance(r, str)] if requires else []
    return [normalise(m.group(1)) for m in names if m]


def lock_problem(repo: Path, wanted: tuple[str, ...]) -> str | None:
    """Why ``requirements.txt`` of ``repo`` cannot serve CI, or ``None`` when it can."""
    from toolkit.generate.confine import read_regular

    try:
        data = read_regular(repo / LOCK)
    except UserInputError:
        data = None
    if data is None:
        return None  # absent: the plain "needs requirements.txt" says so
    text = data.decode("utf-8", errors="replace")
    if "--hash=sha256:" not in text:
        return (
            f"{LOCK} has no hashes (the workflows install it with pip install "
            "--require-hashes; lock it with pip-compile --generate-hashes or "
            "uv pip compile --generate-hashes)"
        )
    locked = {normalise(name) for name in PINNED.findall(text)}
    missing = [n for n in dict.fromkeys([*wanted, *_build_backends(repo)]) if n not in locked]
    if missing:
        return (
            f"{LOCK} does not lock {', '.join(missing)} (CI installs only the lock, then runs "
            "ruff, pytest, dvc and builds the project without isolation)"
        )
    return None
