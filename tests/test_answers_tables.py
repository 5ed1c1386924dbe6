"""The answers tables of README.md and docs/template.md say what the template does.

Each names every answer once; a default written as a value is the one
``cookiecutter.json`` gives (a choice: its first option); a default that the
template computes is described, never written as a value; "asked when" says
"always" exactly for the questions that ``mlrig-questions.yml`` never skips.
"""

from __future__ import annotations

import json
import re

import pytest
import yaml

from tests.conftest import REPO_ROOT

TEMPLATE = REPO_ROOT / "templates" / "ml-repo"
TABLES = ("README.md", "docs/template.md")


def options() -> dict[str, object]:
    raw = json.loads((TEMPLATE / "cookiecutter.json").read_text(encoding="utf-8"))
    return {k: v for k, v in raw.items() if not k.startswith("_")}


def rows(page: str) -> list[dict[str, str]]:
    """The rows of the page's table whose header starts ``| answer | default |``."""
    text = (REPO_ROOT / page).read_text(encoding="utf-8")
    found = re.search(r"^\| answer \| default \|.*\n\|[- |]+\n((?:\|.*\n)+)", text, re.MULTILINE)
    assert found, page
    header = [c.strip() for c in found.group(0).splitlines()[0].strip("|").split("|")]
    return [
        dict(zip(header, (c.strip() for c in line.strip().strip("|").split(" | ")), strict=True))
        for line in found.group(1).splitlines()
    ]


def expected_default(value: object) -> str | None:
    """The default as a table writes it, or ``None`` when the template computes it."""
    if isinstance(value, list):
        return str(value[0])
    return None if "{{" in str(value) else str(value)


@pytest.mark.parametrize("page", sorted(TABLES))
def test_every_answer_is_in_the_table_once_with_its_default(page: str) -> None:
    named: list[str] = []
    for row in rows(page):
        keys = re.findall(r"`(\w+)`", row["answer"])
        named += keys
        for key in keys:
            wanted = expected_default(options()[key])
            if wanted is None:
                assert row["default"] and "`" not in row["default"], (page, key, row)
            else:
                assert row["default"] == wanted, (page, key, row["default"], wanted)
    assert sorted(named) == sorted(options()), page


def test_asked_when_matches_the_question_metadata() -> None:
    meta = yaml.safe_load((TEMPLATE / "mlrig-questions.yml").read_text(encoding="utf-8"))
    conditions = {k: v.get("when", "") for k, v in meta["questions"].items()}
    for row in rows("docs/template.md"):
        for key in re.findall(r"`(\w+)`", row["answer"]):
            always = row["asked when"] == "always"
            assert always == (not conditions.get(key)), (key, row["asked when"])
