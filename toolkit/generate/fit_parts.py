"""Fit a part's generated file to the repository it is added to.

The template describes a whole generated repository; ``mlrig add`` brings one
part of it into a repository that may lack the rest. A file that lists other
files (Dependabot's ``updates``) must then list only what the repository holds
after the add, or it points at folders that do not exist.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from toolkit.generate.answers_file import file_hashes

DEPENDABOT = ".github/dependabot.yml"
ENTRY = re.compile(r"(?m)^(?=  - package-ecosystem: )")
MANIFESTS = {
    "docker": ("Dockerfile",),
    "pip": ("requirements.txt", "requirements.in", "pyproject.toml", "setup.py"),
}
LOCK_COMMENT = "requirements.in and re-compiles requirements.txt with hashes (uv pip compile)"


def _field(entry: str, key: str) -> str:
    found = re.search(rf"(?m)^\s+-?\s*{key}:\s*(\S+)", entry)
    return found.group(1) if found else ""


def _wanted(entry: str, exists: Callable[[str], bool]) -> bool:
    folder = _field(entry, "directory").strip("/")
    names = MANIFESTS.get(_field(entry, "package-ecosystem"))
    return names is None or any(exists(f"{folder}/{name}".lstrip("/")) for name in names)


def fit_dependabot(text: str, exists: Callable[[str], bool]) -> str:
    """``text`` without the ``updates`` whose folder holds no manifest of their ecosystem,
    and without naming lock files the repository does not have."""
    head, *entries = ENTRY.split(text)
    if not (exists("requirements.in") and exists("requirements.txt")):
        head = head.replace(LOCK_COMMENT, "its dependency files")
    return head + "".join(entry for entry in entries if _wanted(entry, exists))


def fit_to_repository(
    root: Path, repo: Path, paths: list[str], hashes: dict[str, str]
) -> dict[str, str]:
    """Rewrite in ``root`` the rendered files among ``paths`` that list other files, so
    that they list what ``repo`` holds once ``paths`` are added; the updated hashes."""
    if DEPENDABOT not in paths:
        return hashes
    added = set(paths)

    def exists(relative: str) -> bool:
        return relative in added or (repo / relative).is_file()

    target = root / DEPENDABOT
    target.write_text(fit_dependabot(target.read_text(encoding="utf-8"), exists), "utf-8")
    return hashes | {DEPENDABOT: file_hashes(target.parent)[target.name]}
