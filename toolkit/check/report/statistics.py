"""``--statistics``: how many findings each rule has, overall or per top folder."""

from __future__ import annotations

import json
from collections import Counter

from toolkit.check.engine import Result
from toolkit.check.report import Context
from toolkit.check.report.text import tally
from toolkit.check.rules import RuleRef


def top_folder(path: str) -> str:
    """The first folder of ``path`` (``.`` for a file at the top)."""
    head, slash, _ = path.partition("/")
    return head if slash else "."


def counts(result: Result, by_folder: bool) -> list[tuple[int, str, str]]:
    """(count, folder or ``""``, code), most frequent first."""
    counted = Counter(
        (top_folder(finding.path) if by_folder else "", finding.code) for finding in result.findings
    )
    return sorted(((n, folder, code) for (folder, code), n in counted.items()), key=_order)


def _order(row: tuple[int, str, str]) -> tuple[int, str, str]:
    return (-row[0], row[1], row[2])


def render(result: Result, context: Context, by_folder: bool, as_json: bool) -> str:
    rows = counts(result, by_folder)
    rules = {rule.code: rule for rule in result.rules}
    if as_json:
        return json.dumps([_entry(row, rules, context, by_folder) for row in rows], indent=2) + "\n"
    width = max((len(str(row[0])) for row in rows), default=1)
    folder_width = max((len(row[1]) for row in rows), default=0)
    lines = []
    for count, folder, code in rows:
        rule = rules.get(code)
        name = rule.name if rule is not None else ""
        mark = "[*]" if rule is not None and rule.fixable else "[ ]"
        where = f"{folder:<{folder_width}}  " if by_folder else ""
        level = context.severity(code)
        lines.append(f"{count:>{width}}  {where}{code:<7} {mark} {level:<7}  {name}")
    lines.append(tally(result))
    return "\n".join(lines) + "\n"


def _entry(
    row: tuple[int, str, str], rules: dict[str, RuleRef], context: Context, by_folder: bool
) -> dict[str, object]:
    count, folder, code = row
    rule = rules.get(code)
    entry: dict[str, object] = {"code": code, "name": rule.name if rule else "", "count": count}
    if by_folder:
        entry["folder"] = folder
    entry["severity"] = context.severity(code)
    entry["fixable"] = rule is not None and rule.fixable
    return entry
