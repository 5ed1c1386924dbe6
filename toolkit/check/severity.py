"""How much a finding matters: ``error``, ``warning`` or ``note``.

Each rule has a default (its module's ``SEVERITY``); ``[tool.mlrig.severity]``
changes it by code, prefix or name, the most specific selector winning. The
report formats map it to SARIF ``level`` and GitHub annotation kinds;
``--fail-on`` sets the lowest severity that fails the run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from toolkit.check.rules import RuleRef, matches

LEVELS = ("note", "warning", "error")
SARIF_LEVEL = {"error": "error", "warning": "warning", "note": "note"}
GITHUB_KIND = {"error": "error", "warning": "warning", "note": "notice"}


def rank(level: str) -> int:
    """``note`` < ``warning`` < ``error``."""
    return LEVELS.index(level)


def severities(rules: Iterable[RuleRef], configured: Mapping[str, str]) -> dict[str, str]:
    """The severity of each rule's findings, by code."""
    return {rule.code: _severity(rule, configured) for rule in rules}


def _severity(rule: RuleRef, configured: Mapping[str, str]) -> str:
    chosen = [s for s in configured if matches(s, rule)]
    if not chosen:
        return rule.severity
    best = max(chosen, key=lambda s: (s in (rule.code, rule.name), len(s) if s != "ALL" else 0))
    return configured[best]
