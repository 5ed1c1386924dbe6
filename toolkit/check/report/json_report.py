"""The ``json`` format, versioned: ``{"version": 1, "findings": [...], "summary": {...}}``."""

from __future__ import annotations

import json
from typing import Any

from toolkit import __version__
from toolkit.check.engine import Result
from toolkit.check.findings import Finding
from toolkit.check.report import Context

VERSION = 1


def render(result: Result, context: Context) -> str:
    names = {rule.code: rule.name for rule in result.rules}
    resolvable = {rule.code for rule in result.rules if rule.fixable}
    document = {
        "version": VERSION,
        "tool": {"name": "mlrig", "version": __version__},
        "findings": [_finding(f, names, resolvable, context) for f in result.findings],
        "summary": {
            "findings": len(result.findings),
            "files": result.files,
            "fixed": len(result.fixed),
            "rules": len(result.rules),
        },
    }
    return json.dumps(document, indent=2) + "\n"


def _finding(
    finding: Finding, names: dict[str, str], resolvable: set[str], context: Context
) -> dict[str, Any]:
    return {
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "code": finding.code,
        "name": names.get(finding.code, ""),
        "message": finding.message,
        "severity": context.level(finding),
        "fixable": finding.fix is not None or finding.code in resolvable,
    }
