"""The text formats: ruff-style ``path:line:col: CODE message`` lines and a count.

``concise`` is one line per finding; ``text`` adds a help line under each when
asked (by default on a terminal); ``full`` adds the source line with a caret.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit.check.engine import Result
from toolkit.check.findings import Finding
from toolkit.check.report import Context
from toolkit.check.rules import DOCS_URL

if TYPE_CHECKING:
    from toolkit.check.report.source import Sources


def render(result: Result, context: Context) -> str:
    sources = None
    if context.source:  # the default output reads no file again: imported only here
        from toolkit.check.report.source import Sources

        sources = Sources(context.root)
    lines: list[str] = []
    for finding in result.findings:
        lines.append(_headline(finding, context))
        if sources is not None:
            lines += _source(finding, sources, context)
        if context.help:
            lines.append(_help(finding, context))
    lines.append(tally(result))
    return "\n".join(lines) + "\n"


def _headline(finding: Finding, context: Context) -> str:
    if not context.color:
        return printable(finding.text())
    from toolkit.check.report import style

    where = style.bold(printable(f"{finding.path}:{finding.line}:{finding.column}:"), True)
    code = style.severity(finding.code, context.level(finding), True)
    return f"{where} {code} {printable(finding.message)}"


# Control characters from a repository (a path, a ref, a source line) are shown
# escaped, so that a pull request cannot move the cursor, clear the screen or set
# the terminal's title through mlrig's output, nor split one finding over lines.
_CONTROL = {code: f"\\x{code:02x}" for code in (*range(0x20), *range(0x7F, 0xA0)) if code != 0x09}
_CONTROL.update({0x0A: "\\n", 0x0D: "\\r"})


def printable(text: str) -> str:
    """``text`` with its control characters (tab aside) escaped for a terminal."""
    return text.translate(_CONTROL)


def _help(finding: Finding, context: Context) -> str:
    url = DOCS_URL.format(code=finding.code)
    text = f"help: mlrig rules {finding.code}, {url} ({context.level(finding)})"
    if not context.color:
        return f"  {text}"
    from toolkit.check.report import style

    return "  " + style.dim(text, True)


def _source(finding: Finding, sources: Sources, context: Context) -> list[str]:
    line = sources.line(finding.path, finding.line)
    if line is None:
        return []
    gutter = " " * len(str(finding.line))
    start = min(finding.column - 1, len(line))
    end = len(line)
    if finding.end_line == finding.line and finding.end_column is not None:
        end = min(max(finding.end_column - 1, start + 1), len(line))
    width = max(end - start, 1)
    caret = " " * _display_width(line[:start]) + "^" * width
    from toolkit.check.report import style

    mark = style.severity(caret, context.level(finding), context.color)
    return [
        f"{gutter} |",
        f"{finding.line} | {printable(line.expandtabs(1))}",
        f"{gutter} | {mark} {finding.code}",
        f"{gutter} |",
    ]


def _display_width(text: str) -> int:
    return len(text.expandtabs(1))


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
    resolvable = {rule.code for rule in result.rules if rule.fixable}
    fixable = sum(1 for f in findings if f.fix is not None or f.code in resolvable)
    if fixable:
        parts.append(f"{fixable} fixable with --fix.")
    return " ".join(parts)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
