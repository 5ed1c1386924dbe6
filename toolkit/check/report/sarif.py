"""The ``sarif`` format: SARIF 2.1.0 for GitHub code scanning.

One ``rules[]`` entry per rule that ran (with its ``helpUri`` and default
level); every result is located by a repository-relative, forward-slash URI
under ``%SRCROOT%`` and a 1-based region, carries the level of its rule's
severity, and a ``partialFingerprints`` entry that does not change when the
finding's line moves (see :mod:`toolkit.check.report.fingerprint`).
"""

from __future__ import annotations

import json
from typing import Any

from toolkit import __version__
from toolkit.check.engine import Result
from toolkit.check.findings import Finding
from toolkit.check.report import Context
from toolkit.check.report.fingerprint import FINGERPRINT, fingerprints
from toolkit.check.rules import RuleRef
from toolkit.check.severity import SARIF_LEVEL

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/mlrig/mlrig"


def render(result: Result, context: Context) -> str:
    index = {rule.code: number for number, rule in enumerate(result.rules)}
    driver = {
        "name": "mlrig",
        "version": __version__,
        "informationUri": INFORMATION_URI,
        "rules": [_rule(rule, context) for rule in result.rules],
    }
    prints = fingerprints(result.findings, context.root)
    run = {
        "tool": {"driver": driver},
        "results": [
            _result(finding, index, context, hashed)
            for finding, hashed in zip(result.findings, prints, strict=True)
        ],
        "columnKind": "unicodeCodePoints",
    }
    document = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(document, indent=2) + "\n"


def _rule(rule: RuleRef, context: Context) -> dict[str, Any]:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.summary},
        "helpUri": rule.help_uri,
        "help": {"text": f"See {rule.help_uri}", "markdown": rule.load().doc},
        "defaultConfiguration": {"level": SARIF_LEVEL[context.severity(rule.code)]},
        "properties": {"tags": [rule.family]},
    }


def _result(
    finding: Finding, index: dict[str, int], context: Context, hashed: str
) -> dict[str, Any]:
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
        "level": SARIF_LEVEL[context.level(finding)],
        "message": {"text": finding.message},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT: hashed},
    }
    if finding.code in index:
        entry["ruleIndex"] = index[finding.code]
    return entry
