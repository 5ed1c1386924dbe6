"""The ``github`` format: workflow-command annotations, and the Markdown job summary."""

from __future__ import annotations

from toolkit.check.engine import Result
from toolkit.check.findings import Finding
from toolkit.check.report.text import tally


def render(result: Result) -> str:
    lines = [annotation(finding) for finding in result.findings]
    lines.append(tally(result))
    return "\n".join(lines) + "\n"


def annotation(finding: Finding) -> str:
    """``::error file=…,line=…,col=…,title=CODE::message``, escaped as GitHub requires."""
    properties = [
        f"file={_property(finding.path)}",
        f"line={finding.line}",
        f"col={finding.column}",
    ]
    if finding.end_line is not None and finding.end_column is not None:
        properties += [f"endLine={finding.end_line}", f"endColumn={finding.end_column}"]
    properties.append(f"title={_property(finding.code)}")
    return f"::error {','.join(properties)}::{_data(finding.message)}"


def summary(result: Result) -> str:
    """The Markdown job summary: a headline and a table of findings."""
    lines = ["## mlrig check", "", tally(result), ""]
    if result.findings:
        names = {rule.code: (rule.name, rule.help_uri) for rule in result.rules}
        lines += ["| Rule | Location | Message |", "| --- | --- | --- |"]
        for finding in result.findings:
            name, uri = names.get(finding.code, (finding.code, ""))
            rule = f"[{finding.code}]({uri}) {name}" if uri else finding.code
            where = f"`{finding.path}:{finding.line}:{finding.column}`"
            lines.append(f"| {rule} | {where} | {_cell(finding.message)} |")
        lines.append("")
    return "\n".join(lines)


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
