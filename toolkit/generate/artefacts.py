"""Build artefacts and editor or OS litter: never part of a template or a generated tree.

pip byte-compiles the template's ``.py`` files where it installs mlrig, editors
leave swap and backup files beside the ones they edit, and macOS drops
``.DS_Store`` in every folder it shows. None of them is a template file:
rendering works from a copy without them, and the answers file never records them.
"""

from __future__ import annotations

import fnmatch
import shutil
from pathlib import Path, PurePosixPath

ARTEFACT_PATTERNS = (
    "__pycache__",
    "*.py[cod]",
    "*$py.class",
    ".DS_Store",
    "._*",
    "Thumbs.db",
    "desktop.ini",
    "*~",
    ".*.sw[a-p]",
    "#*#",
    ".#*",
)


def is_artefact_name(name: str) -> bool:
    """Whether a file or folder called ``name`` is litter rather than content."""
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in ARTEFACT_PATTERNS)


def is_artefact(relative: str) -> bool:
    """Whether the forward-slash path ``relative`` is, or lies inside, litter."""
    return any(is_artefact_name(part) for part in PurePosixPath(relative).parts)


def _ignore(_folder: str, names: list[str]) -> set[str]:
    return {name for name in names if is_artefact_name(name)}


class _CopyFailed(Exception):
    """A file failed to copy: carried past ``copytree``, which would collect it in a list."""

    def __init__(self, error: OSError) -> None:
        super().__init__(error)
        self.error = error


def _copy(source: str, destination: str) -> object:
    try:
        return shutil.copy2(source, destination)
    except OSError as err:
        raise _CopyFailed(err) from err


def clean_copy(template: Path, into: Path) -> Path:
    """A copy of the folder ``template`` at ``into`` without artefacts; symlinks stay links.

    The first file that fails to copy (a full disk, a file size limit) raises its own
    ``OSError``, which names the file and the reason.
    """
    try:
        shutil.copytree(template, into, symlinks=True, ignore=_ignore, copy_function=_copy)
    except _CopyFailed as failed:
        raise failed.error from None
    return into
