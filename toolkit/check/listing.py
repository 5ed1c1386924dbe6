"""``mlrig rules``: the table of rules, or one rule's documentation."""

from __future__ import annotations

from toolkit.check.rules import all_rules, find_rule
from toolkit.errors import UsageError


def rules_table() -> str:
    """One line per rule: code, name, summary."""
    rules = all_rules()
    width = max(len(rule.name) for rule in rules)
    return "".join(f"{rule.code:<7} {rule.name:<{width}}  {rule.summary}\n" for rule in rules)


def rule_page(selector: str) -> str:
    """The documentation of the rule whose code or name is ``selector``."""
    rule = find_rule(selector.upper()) or find_rule(selector)
    if rule is None:
        raise UsageError(f"unknown rule {selector!r}; `mlrig rules` lists them")
    return f"# {rule.code} {rule.name}\n\n{rule.summary}.\n\n{rule.doc}\n\nSee {rule.help_uri}\n"
