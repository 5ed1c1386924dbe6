"""The ``github`` format: workflow-command annotations, and the Markdown job summary.

Each finding is an ``error``, ``warning`` or ``notice`` annotation, after its
rule's severity. GitHub shows only the first annotations of each kind of a step
(10), so when there are more, a warning says the job summary holds them all.
"""

from __future__ import annotations

from collections import Counter

from toolkit.check.engine import Result
from toolkit.check.findings import Finding
from toolkit.check.report import Context
from toolkit.check.report.text import tally
from toolkit.check.severity import GITHUB_KIND

# GitHub shows at most this many annotations of one kind (error, warning, notice) per step.
SHOWN_PER_KIND = 10


def render(result: Result, context: Context) -> str:
    kinds = [GITHUB_KIND[context.level(finding)] for finding in result.findings]
    lines = [_limit_warning(len(result.findings))] if _over_limit(kinds) else []
    lines += [annotation(f, kind) for f, kind in zip(result.findings, kinds, strict=True)]
    lines.append(tally(result))
    return "\n".join(lines) + "\n"


def _over_limit(kinds: list[str]) -> bool:
    return any(count > SHOWN_PER_KIND for count in Counter(kinds).values())


def _limit_warning(total: int) -> str:
    return (
        f"::warning title=mlrig::{total} findings; GitHub shows only the first "
        f"{SHOWN_PER_KIND} annotations of each kind for a step. The job summary lists them all."
    )


def annotation(finding: Finding, kind: str = "error") -> str:
    """``::error file=…,line=…,col=…,title=CODE::message``, escaped as GitHub requires."""
    properties = [
        f"file={_property(finding.path)}",
        f"line={finding.line}",
        f"col={finding.column}",
    ]
    if finding.end_line is not None and finding.end_column is not None:
        properties += [f"endLine={finding.end_line}", f"endColumn={finding.end_column}"]
    properties.append(f"title={_property(finding.code)}")
    return f"::{kind} {','.join(properties)}::{_data(finding.message)}"


def summary(result: Result, context: Context | None = None) -> str:
    """The Markdown job summary: a headline and a table of findings."""
    context = context or Context()
    lines = ["## mlrig check", "", tally(result), ""]
    if result.findings:
        names = {rule.code: (rule.name, rule.help_uri) for rule in result.rules}
        lines += ["| Rule | Severity | Location | Message |", "| --- | --- | --- | --- |"]
        for finding in result.findings:
            name, uri = names.get(finding.code, (finding.code, ""))
            rule = f"[{finding.code}]({uri}) {name}" if uri else finding.code
            where = f"`{finding.path}:{finding.line}:{finding.column}`"
            level = context.level(finding)
            lines.append(f"| {rule} | {level} | {where} | {_cell(finding.message)} |")
        lines.append("")
    return "\n".join(lines)


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
