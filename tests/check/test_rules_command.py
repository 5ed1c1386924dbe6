"""``mlrig rules`` and ``mlrig rules CODE``."""

from __future__ import annotations

from pathlib import Path

from tests.check.helpers import mlrig
from toolkit.check.rules import all_rules


def test_rules_lists_every_rule(tmp_path: Path) -> None:
    run = mlrig("rules", cwd=tmp_path)
    *lines, legend = run.out.splitlines()
    assert run.code == 0
    assert [line.split()[0] for line in lines] == [rule.code for rule in all_rules()]
    assert legend == "[*] --fix can fix it. Severity: error, warning or note (configurable)."
    assert any(line.split()[:4] == ["GHA001", "[*]", "error", "unpinned-uses"] for line in lines)
    assert any(line.split()[:3] == ["GHA005", "error", "unpinned-pip-install"] for line in lines)
    assert any(
        line.split()[:4] == ["GHA002", "[*]", "warning", "unversioned-sha-pin"] for line in lines
    )


def test_rules_takes_a_family_prefix_as_select_does(tmp_path: Path) -> None:
    upper = mlrig("rules", "PC", cwd=tmp_path)
    lower = mlrig("rules", "pc00", cwd=tmp_path)
    assert upper.code == 0
    assert upper.out == lower.out
    assert [line[:20] for line in upper.out.splitlines()[:-1]] == [
        "PC001   [*] error   ",
        "PC002   [*] warning ",
        "PC003       error   ",
    ]


def test_rules_code_prints_the_documentation(tmp_path: Path) -> None:
    by_code = mlrig("rules", "GHA001", cwd=tmp_path)
    by_name = mlrig("rules", "unpinned-uses", cwd=tmp_path)
    lower = mlrig("rules", "gha001", cwd=tmp_path)
    assert by_code.code == 0
    assert by_code.out.startswith("# GHA001 unpinned-uses\n\nA remote action or reusable workflow")
    assert "\n\nSeverity: error. Fixable with `mlrig check --fix`.\n\n" in by_code.out
    assert "## Why is this bad" in by_code.out
    assert by_code.out == by_name.out == lower.out


def test_unknown_rule_is_a_usage_error(tmp_path: Path) -> None:
    run = mlrig("rules", "NOPE1", cwd=tmp_path)
    assert (run.code, run.err) == (
        2,
        "mlrig: error: unknown rule or family 'NOPE1'; `mlrig rules` lists them\n",
    )
