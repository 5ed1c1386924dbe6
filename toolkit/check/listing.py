"""``mlrig rules``: the table of rules (all, or a family's), or one rule's documentation."""

from __future__ import annotations

from toolkit.check.rules import Rule, all_rules, find_rule, matches
from toolkit.errors import UsageError

LEGEND = "[*] --fix can fix it. Severity: error, warning or note (configurable).\n"


def rules_table(rules: tuple[Rule, ...] | list[Rule] | None = None) -> str:
    """One line per rule: code, fixable mark, severity, name, summary."""
    rules = all_rules() if rules is None else rules
    width = max(len(rule.name) for rule in rules)
    rows = "".join(
        f"{rule.code:<7} {'[*]' if rule.fixable else '   '} {rule.severity:<7} "
        f"{rule.name:<{width}}  {rule.summary}\n"
        for rule in rules
    )
    return rows + LEGEND


def rule_page(selector: str) -> str:
    """The page of the rule whose code or name is ``selector``, or the table of a prefix."""
    rule = find_rule(selector.upper()) or find_rule(selector)
    if rule is None:
        prefix = selector.upper()
        family = [r for r in all_rules() if matches(prefix, r)]
        if not family:
            raise UsageError(f"unknown rule or family {selector!r}; `mlrig rules` lists them")
        return rules_table(family)
    fixable = "Fixable with `mlrig check --fix`." if rule.fixable else "Not fixable automatically."
    head = f"# {rule.code} {rule.name}\n\n{rule.summary}.\n\nSeverity: {rule.severity}. {fixable}"
    return f"{head}\n\n{rule.doc}\n\nSee {rule.help_uri}\n"
