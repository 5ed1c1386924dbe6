"""What a rule reports: a :class:`Finding`, optionally with a :class:`Fix` (a text splice).

Both are plain frozen dataclasses so that findings sort by location and compare
in tests. Positions are 1-based lines and 1-based columns counted in characters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from toolkit.check._record import dataclass


@dataclass(frozen=True, order=True)
class Fix:
    """Replace the text from (line, column) up to (end_line, end_column) with ``replacement``.

    The end is exclusive; an empty range inserts. ``--fix`` applies these splices
    and leaves every other byte of the file alone. ``expected``, when given, is the
    text the range holds as the rule saw it: a fix whose range holds anything else
    is skipped (see :mod:`toolkit.check.fix` for the other safety checks).
    """

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    replacement: str
    expected: str | None = None


@dataclass(frozen=True, order=True)
class Finding:
    """One problem at one place: ``path:line:column: CODE message``.

    ``pending``, when set, is the message for a check of a pull request that the
    repository's CT workflow will retrain (a stale input it reruns ``dvc repro``
    for): there the finding is a note that does not fail the run (see
    :mod:`toolkit.check.pull_request`); anywhere else ``message`` stands and fails.
    """

    path: str
    line: int
    column: int
    code: str
    message: str
    end_line: int | None = None
    end_column: int | None = None
    fix: Fix | None = None
    pending: str | None = None

    def text(self) -> str:
        """The ruff-style one-line form, ``path:line:col: CODE message``."""
        return f"{self.path}:{self.line}:{self.column}: {self.code} {self.message}"

    def reworded(self, message: str, pending: str | None = None) -> Finding:
        """The same finding with other words (and ``pending`` message)."""
        return Finding(
            self.path,
            self.line,
            self.column,
            self.code,
            message,
            self.end_line,
            self.end_column,
            self.fix,
            pending,
        )


class ParseError(Exception):
    """A file could not be read into its view; becomes an ``MLR001`` finding."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = max(line, 1)
        self.column = max(column, 1)
