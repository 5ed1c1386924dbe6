"""The ``text`` format: ruff-style ``path:line:col: CODE message`` lines and a count."""

from __future__ import annotations

from toolkit.check.engine import Result


def render(result: Result) -> str:
    lines = [finding.text() for finding in result.findings]
    lines.append(tally(result))
    return "\n".join(lines) + "\n"


def tally(result: Result) -> str:
    """``Found 3 findings in 2 files.``, with what was fixed and what can be."""
    parts = []
    if result.fixed:
        parts.append(f"Fixed {_plural(len(result.fixed), 'finding')}.")
    findings = result.findings
    if not findings:
        parts.append(f"All checks passed ({_plural(result.files, 'file')} checked).")
        return " ".join(parts)
    files = len({finding.path for finding in findings})
    parts.append(f"Found {_plural(len(findings), 'finding')} in {_plural(files, 'file')}.")
    fixable = sum(1 for finding in findings if finding.fix is not None)
    if fixable:
        parts.append(f"{fixable} fixable with --fix.")
    return " ".join(parts)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
