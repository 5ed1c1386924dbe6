"""The four output formats, byte for byte (text, github) or structure for structure (json, sarif)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.check.helpers import SHA, WORKFLOW, build_file_tree, mlrig, workflow

STEPS = f"      - uses: actions/checkout@v4\n      - uses: actions/setup-python@{SHA}\n"
FIRST = f"{WORKFLOW}:7:15: GHA001 actions/checkout is pinned to tag v4, not to a commit SHA; pin the SHA (--fix)"
SECOND = f"{WORKFLOW}:8:15: GHA002 actions/setup-python is pinned to a SHA without a # vX.Y.Z comment; add it (--fix)"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return build_file_tree(tmp_path, {WORKFLOW: workflow(STEPS)})


def test_text(repo: Path) -> None:
    run = mlrig("check", "--select", "GHA", cwd=repo)
    assert run.code == 1
    assert run.out == f"{FIRST}\n{SECOND}\nFound 2 findings in 1 file. 2 fixable with --fix.\n"
    assert run.err == ""


def test_text_when_clean(repo: Path) -> None:
    run = mlrig("check", "--select", "IMG", cwd=repo)
    assert (run.code, run.out) == (0, "All checks passed (1 file checked).\n")


def test_json(repo: Path) -> None:
    run = mlrig("check", "--select", "GHA001", "--format", "json", cwd=repo)
    document = json.loads(run.out)
    assert run.code == 1
    assert document["version"] == 1
    assert document["findings"] == [
        {
            "path": WORKFLOW,
            "line": 7,
            "column": 15,
            "end_line": 7,
            "end_column": 34,
            "code": "GHA001",
            "name": "unpinned-uses",
            "message": "actions/checkout is pinned to tag v4, not to a commit SHA; pin the SHA (--fix)",
            "severity": "error",
            "fixable": True,
        }
    ]
    assert document["summary"] == {"findings": 1, "files": 1, "fixed": 0, "rules": 1}


def test_sarif(repo: Path) -> None:
    run = mlrig("check", "--select", "GHA", "--format", "sarif", cwd=repo)
    document = json.loads(run.out)
    assert document["version"] == "2.1.0"
    (sarif_run,) = document["runs"]
    rules = sarif_run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == [f"GHA00{n}" for n in range(1, 8)]
    assert rules[0]["helpUri"] == "https://github.com/mlrig/mlrig/blob/main/docs/rules/GHA001.md"
    assert all(rule["help"]["markdown"].startswith("## What it does") for rule in rules)
    first = sarif_run["results"][0]
    assert first["ruleId"] == "GHA001"
    assert first["ruleIndex"] == 0
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": WORKFLOW, "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 7, "startColumn": 15, "endLine": 7, "endColumn": 34}


def test_github_annotations_and_step_summary(
    repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    summary = tmp_path_factory.mktemp("gh") / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    env = {**os.environ, "GITHUB_STEP_SUMMARY": str(summary)}
    run = mlrig("check", "--select", "GHA001", "--format", "github", cwd=repo, env=env)
    assert run.out == (
        f"::error file={WORKFLOW},line=7,col=15,endLine=7,endColumn=34,title=GHA001"
        "::actions/checkout is pinned to tag v4, not to a commit SHA; pin the SHA (--fix)\n"
        "Found 1 finding in 1 file. 1 fixable with --fix.\n"
    )
    assert summary.read_text(encoding="utf-8") == (
        "earlier step\n"
        "## mlrig check\n\nFound 1 finding in 1 file. 1 fixable with --fix.\n\n"
        "| Rule | Severity | Location | Message |\n| --- | --- | --- | --- |\n"
        "| [GHA001](https://github.com/mlrig/mlrig/blob/main/docs/rules/GHA001.md) unpinned-uses"
        f" | error | `{WORKFLOW}:7:15` | actions/checkout is pinned to tag v4, not to a commit SHA; pin the SHA (--fix) |\n"
    )


def test_github_escapes_properties_and_data() -> None:
    from toolkit.check.findings import Finding
    from toolkit.check.report.github import annotation

    finding = Finding("a,b:c.yml", 1, 2, "GHA001", "50% done\nnext")
    assert (
        annotation(finding)
        == "::error file=a%2Cb%3Ac.yml,line=1,col=2,title=GHA001::50%25 done%0Anext"
    )


def test_output_and_summary_files(repo: Path) -> None:
    run = mlrig(
        "check", "--format", "sarif", "--output", "out.sarif", "--summary", "s.md", cwd=repo
    )
    assert run.code == 1
    assert run.out == ""
    assert json.loads((repo / "out.sarif").read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert (repo / "s.md").read_text(encoding="utf-8").startswith("## mlrig check\n")


def test_exit_zero(repo: Path) -> None:
    run = mlrig("check", "--exit-zero", "--select", "GHA", cwd=repo)
    assert run.code == 0
    assert FIRST in run.out


@pytest.mark.parametrize("output_format", ["text", "concise", "full"])
def test_control_characters_from_the_repository_are_shown_escaped(
    tmp_path: Path, output_format: str
) -> None:
    """A ref that carries an OSC title sequence and a screen clear cannot drive the terminal."""
    steps = '      - uses: "actions/checkout@v4\\e]0;pwned\\a\\e[2J"\n'
    tree = build_file_tree(tmp_path, {WORKFLOW: workflow(steps)})
    env = {**os.environ, "FORCE_COLOR": "1"}
    run = mlrig("check", "--select", "GHA", "--format", output_format, cwd=tree, env=env)
    assert run.code == 1
    assert "\x1b]" not in run.out and "\x07" not in run.out and "\x1b[2J" not in run.out
    assert "v4\\x1b]0;pwned\\x07\\x1b[2J" in run.out
