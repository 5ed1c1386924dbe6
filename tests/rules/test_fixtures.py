"""Every rule's fixtures, found by themselves: ``pass`` cases yield nothing, ``fail`` cases
yield exactly their ``.expected`` findings (see docs/writing-rules.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.check.config import load_config
from toolkit.check.engine import check_project, selected_rules
from toolkit.check.project import Project
from toolkit.check.rules import all_rules

FIXTURES = Path(__file__).parent / "fixtures"


def _cases(outcome: str) -> list[pytest.ParameterSet]:
    cases = []
    for case in sorted(FIXTURES.glob(f"*/{outcome}/*")):
        if case.is_dir():
            code = case.parent.parent.name
            cases.append(pytest.param(code, case, id=f"{code}-{outcome}-{case.name}"))
    return cases


def findings_of(code: str, case: Path) -> list[str]:
    """The text-format findings of ``code`` when every rule checks the tree ``case``."""
    project = Project.discover(case, use_git=False)
    config = load_config(case)
    result = check_project(project, config, selected_rules(config))
    return [finding.text() for finding in result.findings if finding.code == code]


@pytest.mark.parametrize(("code", "case"), _cases("pass"))
def test_pass_case_has_no_finding(code: str, case: Path) -> None:
    assert findings_of(code, case) == []


@pytest.mark.parametrize(("code", "case"), _cases("fail"))
def test_fail_case_has_exactly_the_expected_findings(code: str, case: Path) -> None:
    expected_file = case.with_suffix(".expected")
    expected = expected_file.read_text(encoding="utf-8").splitlines()
    assert sorted(findings_of(code, case)) == sorted(line for line in expected if line.strip())


@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.code)
def test_every_rule_has_a_passing_and_a_failing_fixture(rule: object) -> None:
    code = getattr(rule, "code", "")
    for outcome in ("pass", "fail"):
        assert any((FIXTURES / code / outcome).glob("*/")), f"{code} has no {outcome} fixture"


def test_every_fixture_folder_names_a_rule() -> None:
    codes = {rule.code for rule in all_rules()}
    assert sorted(p.name for p in FIXTURES.iterdir() if p.name not in codes) == []
