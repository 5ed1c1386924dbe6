"""``--fix``: apply the findings' text splices, and change no other byte."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from toolkit.check.findings import Finding, Fix


def apply_fixes(root: Path, findings: Iterable[Finding]) -> list[Finding]:
    """Apply every non-overlapping fix; return the findings whose fix was applied."""
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.fix is not None:
            by_path.setdefault(finding.fix.path, []).append(finding)
    fixed: list[Finding] = []
    for path, group in sorted(by_path.items()):
        fixed.extend(_fix_file(root / path, group))
    return sorted(fixed)


def _fix_file(path: Path, findings: list[Finding]) -> list[Finding]:
    from toolkit.check.encoding import decode_text, encode_like

    original = path.read_bytes()
    text = decode_text(original)
    starts = _line_starts(text)
    applied: list[Finding] = []
    limit = len(text) + 1
    ordered = sorted(findings, key=lambda f: _span(f.fix, starts), reverse=True)
    for finding in ordered:
        assert finding.fix is not None
        start, end = _span(finding.fix, starts)
        if end > limit or start > end:
            continue
        text = text[:start] + finding.fix.replacement + text[end:]
        limit = start
        applied.append(finding)
    if applied:
        path.write_bytes(encode_like(original, text))
    return applied


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    return starts


def _span(fix: Fix | None, starts: list[int]) -> tuple[int, int]:
    assert fix is not None
    return _offset(fix.line, fix.column, starts), _offset(fix.end_line, fix.end_column, starts)


def _offset(line: int, column: int, starts: list[int]) -> int:
    if line > len(starts) - 1:
        return starts[-1] + column - 1
    return starts[line - 1] + column - 1
