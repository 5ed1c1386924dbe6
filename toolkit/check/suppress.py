"""Inline suppressions: ``# mlrig: ignore[CODE, ...] reason``.

A trailing comment suppresses findings on its own line; a comment alone on its
line suppresses findings on the next line. A suppression must give a reason and
name known codes; otherwise it is itself a finding (``MLR002``, ``MLR003``), and
so is a suppression that no longer matches anything (``MLR004``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from toolkit.check._record import lazy_pattern
from toolkit.check.findings import Finding

if TYPE_CHECKING:
    from typing import NamedTuple
else:
    from toolkit.check._record import NamedTuple

UNEXPLAINED = "MLR002"
UNKNOWN_CODE = "MLR003"
UNUSED = "MLR004"
_MARK = "mlrig:"
_PATTERN = lazy_pattern(r"(?:#|//)\s*mlrig:\s*ignore\[([^\]]*)\][ \t]*([^\r\n]*)")


class Suppression(NamedTuple):
    """One ``ignore[...]`` comment and the line whose findings it suppresses."""

    path: str
    line: int
    column: int
    target: int
    codes: tuple[str, ...]
    reason: str


def scan(path: str, text: str) -> list[Suppression]:
    """Every suppression comment in one file."""
    if _MARK not in text:
        return []
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if _MARK not in line:
            continue
        for match in _PATTERN.finditer(line):
            codes = tuple(c.strip() for c in match[1].split(",") if c.strip())
            alone = not line[: match.start()].strip()
            target = number + 1 if alone else number
            reason = match[2].strip()
            found.append(Suppression(path, number, match.start() + 1, target, codes, reason))
    return found


def problems(suppressions: Iterable[Suppression], known: set[str]) -> list[Finding]:
    """Findings for suppressions without a reason or naming unknown codes."""
    out = []
    for s in suppressions:
        if not s.reason:
            out.append(
                Finding(
                    s.path,
                    s.line,
                    s.column,
                    UNEXPLAINED,
                    "suppression gives no reason; write it after the ]",
                )
            )
        if not s.codes:
            out.append(Finding(s.path, s.line, s.column, UNKNOWN_CODE, "suppression names no code"))
        for code in (code for code in s.codes if code not in known):
            message = f"suppression names unknown rule code {code}; `mlrig rules` lists the codes"
            out.append(Finding(s.path, s.line, s.column, UNKNOWN_CODE, message))
    return out


def unused(
    suppressions: Iterable[Suppression], used: set[tuple[str, int, str]], ran: set[str]
) -> list[Finding]:
    """Findings for codes that a suppression names, whose rule ran, but that matched nothing."""
    out = []
    for s in suppressions:
        for code in s.codes:
            if code in ran and (s.path, s.target, code) not in used:
                message = f"suppression of {code} matches no finding; remove it"
                out.append(Finding(s.path, s.line, s.column, UNUSED, message))
    return out


def is_suppressed(finding: Finding, by_line: dict[tuple[str, int], set[str]]) -> bool:
    """Whether a suppression (with a reason or not) covers ``finding``."""
    return finding.code in by_line.get((finding.path, finding.line), ())


def index(suppressions: Iterable[Suppression]) -> dict[tuple[str, int], set[str]]:
    """Suppressed codes by (path, target line)."""
    table: dict[tuple[str, int], set[str]] = {}
    for s in suppressions:
        table.setdefault((s.path, s.target), set()).update(s.codes)
    return table
