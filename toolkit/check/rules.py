"""Load the rule modules listed in :mod:`toolkit.rules.registry` and select among them."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING, Any

from toolkit.check.findings import Finding
from toolkit.errors import ConfigError

if TYPE_CHECKING:
    from typing import NamedTuple
else:
    from toolkit.check._record import NamedTuple

DOCS_URL = "https://github.com/mlrig/mlrig/blob/main/docs/rules/{code}.md"


class Rule(NamedTuple):
    """One rule module's metadata and its ``check`` function."""

    code: str
    name: str
    family: str
    summary: str
    views: tuple[str, ...]
    options: Mapping[str, Any]
    doc: str
    module: str
    check: Callable[..., Iterator[Finding]]
    severity: str = "error"
    fixable: bool = False

    @property
    def help_uri(self) -> str:
        return DOCS_URL.format(code=self.code)


class RuleRef(NamedTuple):
    """A registered rule as the index knows it, before its module is imported."""

    code: str
    name: str
    module: str
    views: tuple[str, ...]
    family: str
    summary: str
    severity: str = "error"
    fixable: bool = False

    @property
    def help_uri(self) -> str:
        return DOCS_URL.format(code=self.code)

    def load(self) -> Rule:
        """Import the rule's module."""
        return _rule(importlib.import_module(f"toolkit.rules.{self.module}"))


@cache
def rule_refs() -> tuple[RuleRef, ...]:
    """Every rule, from the generated index when it matches the registry (no imports)."""
    from toolkit.rules._index import INDEX
    from toolkit.rules.registry import RULES

    if sorted(RULES) == sorted(entry[2] for entry in INDEX):
        return tuple(sorted((RuleRef(*entry) for entry in INDEX), key=lambda ref: ref.code))
    return tuple(ref_of(rule) for rule in all_rules())


def ref_of(rule: Rule) -> RuleRef:
    """The index entry of a loaded rule."""
    short = rule.module.rpartition(".")[2]
    return RuleRef(
        rule.code,
        rule.name,
        short,
        rule.views,
        rule.family,
        rule.summary,
        rule.severity,
        rule.fixable,
    )


def _rule(module: ModuleType) -> Rule:
    return Rule(
        code=module.CODE,
        name=module.NAME,
        family=module.FAMILY,
        summary=module.SUMMARY,
        views=tuple(module.VIEWS),
        options=dict(getattr(module, "OPTIONS", {})),
        doc=(module.__doc__ or "").strip(),
        module=module.__name__,
        check=module.check,
        severity=getattr(module, "SEVERITY", "error"),
        fixable=bool(getattr(module, "FIXABLE", False)),
    )


@cache
def all_rules() -> tuple[Rule, ...]:
    """Every registered rule, sorted by code; codes and names are unique."""
    from toolkit.rules.registry import RULES

    rules = sorted(
        (_rule(importlib.import_module(f"toolkit.rules.{name}")) for name in RULES),
        key=lambda rule: rule.code,
    )
    for attribute in ("code", "name"):
        seen = [getattr(rule, attribute) for rule in rules]
        duplicates = sorted({value for value in seen if seen.count(value) > 1})
        if duplicates:
            raise RuntimeError(f"duplicate rule {attribute}s in the registry: {duplicates}")
    return tuple(rules)


def find_rule(selector: str) -> Rule | None:
    """The rule whose code or name is exactly ``selector``."""
    wanted = selector.strip()
    ref = next((r for r in rule_refs() if wanted in (r.code, r.name)), None)
    return ref.load() if ref is not None else None


def matches(selector: str, rule: Rule | RuleRef) -> bool:
    """``ALL``, a code prefix (``GHA``, ``GHA00``), an exact code or a rule name."""
    return selector == "ALL" or rule.code.startswith(selector) or selector == rule.name


def check_selectors(selectors: Iterable[str], where: str) -> None:
    """Refuse a selector that matches no rule."""
    for selector in selectors:
        if not any(matches(selector, rule) for rule in rule_refs()):
            raise ConfigError(f"{where}: unknown rule code or name {selector!r}")


def select(selected: Sequence[str] | None, ignored: Sequence[str]) -> list[RuleRef]:
    """The rules that ``selected`` (default: all) picks and ``ignored`` does not drop."""
    chosen = selected if selected else ["ALL"]
    return [
        rule
        for rule in rule_refs()
        if any(matches(s, rule) for s in chosen) and not any(matches(i, rule) for i in ignored)
    ]
