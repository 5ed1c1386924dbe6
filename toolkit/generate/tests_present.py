"""Whether a repository has a test that ``python -m pytest`` would collect.

CI runs ``python -m pytest`` from the top, which fails (exit 5) when it collects
nothing. pytest looks where ``testpaths`` says, else everywhere, for
``test_*.py`` and ``*_test.py``; so does this, without running anything and
with a bound on how much of the tree it walks.
"""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path

PATTERNS = ("test_*.py", "*_test.py")
SKIPPED = frozenset({"venv", "node_modules", "__pycache__", "site-packages", "build", "dist"})
MAX_ENTRIES = 50_000


def is_test_file(relative: str) -> bool:
    """Whether the file at ``relative`` is one pytest collects by default."""
    name = relative.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatch(name, pattern) for pattern in PATTERNS)


def _testpaths(repo: Path) -> list[str]:
    from toolkit.generate.infer import pyproject

    table: object = pyproject(repo)
    for key in ("tool", "pytest", "ini_options", "testpaths"):
        table = table.get(key) if isinstance(table, dict) else None
    paths = table
    return [p for p in paths if isinstance(p, str)] if isinstance(paths, list) else []


def has_tests(repo: Path) -> bool:
    """Whether pytest, run at the top of ``repo``, would find a test file."""
    seen = 0
    for start in _testpaths(repo) or ["."]:
        for folder, dirs, files in os.walk(repo / start):
            dirs[:] = [d for d in dirs if not d.startswith(".") and d not in SKIPPED]
            seen += len(dirs) + len(files)
            # a named pipe or socket with a test's name is not a test pytest can read
            if any(is_test_file(n) and (Path(folder) / n).is_file() for n in files):
                return True
            if seen > MAX_ENTRIES:
                return False
    return False
