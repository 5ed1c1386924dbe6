"""Locks compiled against another lock (``uv pip compile ... -c other.txt``).

A training lock and a dev lock (torch only in the first) are compiled so that the
second takes its versions from the first; uv writes the command, with its ``-c``,
at the top of the lock. Such a pair must pin each package they share at the same
versions: the dev lock that lint and deployment install is then the training
environment minus what they do not need.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

from toolkit.check.project import Project

_COMMAND = re.compile(r"^#\s+(?:uv pip compile|pip-compile)\b(?P<args>.*)$", re.M)
_CONSTRAINT = re.compile(r"(?:^|\s)(?:-c|--constraints?)(?:\s+|=)(?P<path>\S+)")
_HEADER_LINES = 10


def constraint_links(project: Project) -> list[tuple[str, str]]:
    """``(lock, the lock it was compiled against)`` for every such pair of files."""
    if not project.has("pydeps"):
        return []
    found = project.each_file("pydeps", "lock-constraints", _links, parse=False, needle="-c")
    return [(str(lock), str(other)) for lock, other in found]


def _links(path: Any, text: str) -> list[list[str]]:
    header = "\n".join(text.splitlines()[:_HEADER_LINES])
    command = _COMMAND.search(header)
    if command is None:
        return []
    folder = posixpath.dirname(str(path))
    return [
        [str(path), posixpath.normpath(posixpath.join(folder, match["path"]))]
        for match in _CONSTRAINT.finditer(command["args"])
    ]
