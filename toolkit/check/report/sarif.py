"""The ``sarif`` format: SARIF 2.1.0 for GitHub code scanning.

One ``rules[]`` entry per rule that ran (with its ``helpUri``); every result is
located by a repository-relative, forward-slash URI under ``%SRCROOT%`` and a
1-based region.
"""

from __future__ import annotations

import json
from typing import Any

from toolkit import __version__
from toolkit.check.engine import Result
from toolkit.check.findings import Finding
from toolkit.check.rules import RuleRef

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/mlrig/mlrig"


def render(result: Result) -> str:
    index = {rule.code: number for number, rule in enumerate(result.rules)}
    driver = {
        "name": "mlrig",
        "version": __version__,
        "informationUri": INFORMATION_URI,
        "rules": [_rule(rule) for rule in result.rules],
    }
    run = {
        "tool": {"driver": driver},
        "results": [_result(finding, index) for finding in result.findings],
        "columnKind": "unicodeCodePoints",
    }
    document = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(document, indent=2) + "\n"


def _rule(rule: RuleRef) -> dict[str, Any]:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.summary},
        "helpUri": rule.help_uri,
        "help": {"text": f"See {rule.help_uri}", "markdown": rule.load().doc},
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": [rule.family]},
    }


def _result(finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    region: dict[str, int] = {"startLine": finding.line, "startColumn": finding.column}
    if finding.end_line is not None and finding.end_column is not None:
        region["endLine"] = finding.end_line
        region["endColumn"] = finding.end_column
    location = {
        "physicalLocation": {
            "artifactLocation": {"uri": finding.path, "uriBaseId": "%SRCROOT%"},
            "region": region,
        }
    }
    entry: dict[str, Any] = {
        "ruleId": finding.code,
        "level": "error",
        "message": {"text": finding.message},
        "locations": [location],
    }
    if finding.code in index:
        entry["ruleIndex"] = index[finding.code]
    return entry
