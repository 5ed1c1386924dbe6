"""Three-way merge of one file: the template before, the template now, and the user's copy."""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from enum import Enum
from pathlib import Path


class Outcome(str, Enum):
    """What happens to one file."""

    UNCHANGED = "unchanged"
    ADD = "add"
    UPDATE = "update"
    DELETE = "delete"
    KEEP = "keep"
    KEEP_DROPPED = "kept"  # the user changed it and the new template no longer has it
    MERGE = "merge"
    CONFLICT = "conflict"


@dataclass(frozen=True)
class FileChange:
    """The plan for one path: the outcome and the bytes to write (``None``: remove or leave)."""

    path: str
    outcome: Outcome
    content: bytes | None = None


def git_merge_file(ours: bytes, base: bytes, theirs: bytes) -> tuple[bytes, bool]:
    """``git merge-file`` of the three texts; returns the result and whether it is clean."""
    with tempfile.TemporaryDirectory(prefix="mlrig-merge-") as scratch:
        paths = []
        for name, data in (("yours", ours), ("base", base), ("template", theirs)):
            path = Path(scratch) / name
            path.write_bytes(data)
            paths.append(str(path))
        result = subprocess.run(
            [
                "git",
                "merge-file",
                "-p",
                "-L",
                "yours",
                "-L",
                "old template",
                "-L",
                "new template",
                *paths,
            ],
            capture_output=True,
            check=False,
        )
    if result.returncode < 0 or result.returncode > 127:
        raise OSError(f"git merge-file failed: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout, result.returncode == 0


def _is_text(data: bytes) -> bool:
    return b"\0" not in data[:8192]


def plan_file(
    path: str, ours: bytes | None, base: bytes | None, theirs: bytes | None
) -> FileChange:
    """Decide what happens to ``path`` given the three versions (``None``: absent)."""
    if ours == theirs:
        return FileChange(path, Outcome.UNCHANGED)
    if ours == base:
        if theirs is None:
            return FileChange(path, Outcome.DELETE)
        return FileChange(path, Outcome.ADD if ours is None else Outcome.UPDATE, theirs)
    if theirs == base or ours is None or theirs is None:
        dropped = theirs is None and ours is not None and base is not None
        return FileChange(path, Outcome.KEEP_DROPPED if dropped else Outcome.KEEP)
    if not (_is_text(ours) and _is_text(theirs) and _is_text(base or b"")):
        return FileChange(path, Outcome.CONFLICT)
    merged, clean = git_merge_file(ours, base or b"", theirs)
    return FileChange(path, Outcome.MERGE if clean else Outcome.CONFLICT, merged)
