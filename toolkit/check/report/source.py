"""Lines of the checked files, for context under a finding and for fingerprints.

Read through the project's reader, so the trust boundary applies as when checking.
"""

from __future__ import annotations

from pathlib import Path

from toolkit.check.project import Project


class Sources:
    """Each file's lines, read once, on demand."""

    def __init__(self, root: Path | None) -> None:
        self._project = Project(root, []) if root is not None else None
        self._lines: dict[str, list[str]] = {}

    def line(self, path: str, number: int) -> str | None:
        """Line ``number`` (1-based) of ``path`` without its ending; ``None`` if unknown."""
        if path not in self._lines:
            text = self._project.text(path) if self._project is not None else None
            self._lines[path] = text.splitlines() if text is not None else []
        lines = self._lines[path]
        return lines[number - 1] if 1 <= number <= len(lines) else None
