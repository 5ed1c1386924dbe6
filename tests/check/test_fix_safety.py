"""``--fix`` splices safely or not at all: flow mappings stay whole, text changed since the
check is left alone, files are replaced atomically and never through a symbolic link."""

from __future__ import annotations

from pathlib import Path

from tests.check.helpers import SHA, WORKFLOW, build_file_tree, git_tree, mlrig, workflow
from toolkit.check.findings import Finding, Fix
from toolkit.check.fix import apply_fixes

VERSIONED = f"      - uses: actions/checkout@{SHA}  # v4.2.2\n"


def test_a_flow_mapping_step_keeps_its_inputs(tmp_path: Path) -> None:
    flow = f"      - {{uses: actions/checkout@{SHA}, with: {{fetch-depth: 0}}}}\n"
    tree = git_tree(tmp_path / "repo", {WORKFLOW: workflow(VERSIONED + flow)})
    (tree / WORKFLOW).chmod(0o640)
    run = mlrig("check", "--fix", "--offline", "--no-cache", cwd=tree)
    assert (run.code, run.out, run.err) == (
        0,
        "Fixed 1 finding. All checks passed (1 file checked).\n",
        "",
    )
    assert (tree / WORKFLOW).read_text() == workflow(VERSIONED + flow.rstrip("\n") + "  # v4.2.2\n")
    assert (tree / WORKFLOW).stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in (tree / ".github/workflows").iterdir()) == ["ci.yml"]
    again = mlrig("check", "--fix", "--offline", cwd=tree)
    assert (again.code, again.out) == (0, "All checks passed (1 file checked).\n")


def test_a_comment_that_would_land_in_a_string_is_not_spliced(tmp_path: Path) -> None:
    quoted = f'      - {{uses: actions/checkout@{SHA}, name: "two\n          lines"}}\n'
    text = workflow(VERSIONED + quoted)
    tree = git_tree(tmp_path / "repo", {WORKFLOW: text})
    run = mlrig("check", "--fix", "--offline", cwd=tree)
    assert run.code == 1
    assert run.err == (
        f"{WORKFLOW}:8:16: GHA002 not fixed: a comment there would change the "
        "file's data (a flow mapping or a string)\n"
    )
    assert (tree / WORKFLOW).read_text() == text


def test_a_workflow_that_is_a_symbolic_link_is_not_written_through(tmp_path: Path) -> None:
    text = workflow(VERSIONED + f"      - uses: actions/checkout@{SHA}\n")
    tree = git_tree(tmp_path / "repo", {"shared/ci.yml": text})
    (tree / ".github/workflows").mkdir(parents=True)
    (tree / WORKFLOW).symlink_to("../../shared/ci.yml")
    run = mlrig("check", "--fix", "--offline", cwd=tree)
    assert run.code == 1
    assert run.err == (
        f"{WORKFLOW}:8:15: GHA002 not fixed: not written: {WORKFLOW}: "
        "not a regular file (a symbolic link is never written)\n"
    )
    assert (tree / "shared/ci.yml").read_text() == text
    assert (tree / WORKFLOW).is_symlink()


def _finding(fix: Fix) -> Finding:
    return Finding(fix.path, fix.line, fix.column, "GHA002", "no version comment", fix=fix)


def test_a_file_changed_since_the_check_is_not_spliced(tmp_path: Path) -> None:
    seen = workflow(f"      - uses: actions/checkout@{SHA}\n")
    tree = build_file_tree(tmp_path / "repo", {WORKFLOW: seen})
    line = seen.splitlines()[6]
    end = len(line) + 1
    fix = Fix(WORKFLOW, 7, end, 7, end, "  # v4.2.2", "")
    changed = seen.replace("ubuntu-24.04", "ubuntu-22.04")  # same length, other text
    (tree / WORKFLOW).write_text(changed)
    outcome = apply_fixes(tree, [_finding(fix)], {WORKFLOW: seen})
    assert outcome.applied == []
    assert outcome.skipped == [(_finding(fix), "the file changed since it was checked")]
    assert (tree / WORKFLOW).read_text() == changed
    (tree / WORKFLOW).write_text(seen)
    outcome = apply_fixes(tree, [_finding(fix)], {WORKFLOW: seen})
    assert (outcome.applied, outcome.skipped) == ([_finding(fix)], [])
    assert (tree / WORKFLOW).read_text().splitlines()[6] == line + "  # v4.2.2"


def test_a_fix_whose_expected_text_is_not_there_is_skipped(tmp_path: Path) -> None:
    text = "repos:\n  - repo: https://example.com/x\n    rev: " + SHA + "  # v1.0.0\n"
    tree = build_file_tree(tmp_path / "repo", {".pre-commit-config.yaml": text})
    start = text.splitlines()[2].index("#") + 1
    stale = Fix(".pre-commit-config.yaml", 3, start, 3, start + 8, "# frozen: v1.0.0", "# v9.9.9")
    beyond = Fix(".pre-commit-config.yaml", 3, 200, 3, 200, "# frozen: v1.0.0", "")
    outcome = apply_fixes(tree, [_finding(stale), _finding(beyond)], {stale.path: text})
    assert outcome.applied == []
    assert sorted(outcome.skipped) == sorted(
        [
            (_finding(stale), "the text it replaces is not what the check saw"),
            (_finding(beyond), "its place is not in the file"),
        ]
    )
    assert (tree / ".pre-commit-config.yaml").read_text() == text
