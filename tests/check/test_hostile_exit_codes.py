"""Exit codes for what a hostile tree or a broken environment can cause: 1 or 2 with the
file named, never 3 (internal error) and never a traceback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.check.helpers import WORKFLOW, build_file_tree, mlrig, workflow

UNPINNED = workflow("      - uses: actions/checkout@v4\n")
ODD = os.fsdecode(b"b\xffd.yml")  # a file name that is not UTF-8
ODD_WORKFLOW = f".github/workflows/{ODD}"
SHOWN = ".github/workflows/b\\udcffd.yml"


def test_a_deeply_nested_configuration_is_a_configuration_error(tmp_path: Path) -> None:
    tree = build_file_tree(tmp_path, {"mlrig.toml": "a = " + "[" * 100_000 + "]" * 100_000})
    run = mlrig("check", "--no-cache", cwd=tree)
    assert (run.code, run.out) == (2, "")
    assert run.err == "mlrig: error: mlrig.toml:1:1: invalid TOML: nested too deeply\n"


@pytest.mark.parametrize("target", ["/dev/full", "missing/report.txt", "a-file/report.txt"])
def test_a_report_that_cannot_be_written_is_a_usage_error(tmp_path: Path, target: str) -> None:
    tree = build_file_tree(tmp_path, {WORKFLOW: UNPINNED, "a-file": "x\n"})
    for option in ("--output", "--summary"):
        run = mlrig("check", "--no-cache", option, target, cwd=tree)
        assert run.code == 2, run.err
        assert run.err.startswith(f"mlrig: error: {target}: cannot write: ")
        assert len(run.err.splitlines()) == 1


def test_a_file_name_that_is_not_utf8_reaches_every_report(tmp_path: Path) -> None:
    tree = build_file_tree(tmp_path / "repo", {ODD_WORKFLOW: UNPINNED})
    env = {**os.environ, "GITHUB_STEP_SUMMARY": str(tmp_path / "step.md")}
    runs = [
        mlrig("check", "--no-cache", "--output", tmp_path / "out.txt", cwd=tree),
        mlrig("check", "--no-cache", "--summary", tmp_path / "summary.md", cwd=tree),
        mlrig("check", "--no-cache", "--format", "github", cwd=tree, env=env),
        mlrig(
            "check", "--no-cache", "--format", "sarif", "--output", tmp_path / "o.sarif", cwd=tree
        ),
    ]
    assert [(run.code, run.err) for run in runs] == [(1, "")] * 4
    report = (tmp_path / "out.txt").read_bytes().decode("utf-8")
    assert report.splitlines()[0].startswith(f"{SHOWN}:7:15: GHA001 ")
    for written in ("summary.md", "step.md", "o.sarif"):
        assert SHOWN in (tmp_path / written).read_bytes().decode("utf-8")


def test_report_files_named_in_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    tree = build_file_tree(tmp_path / "repo", {WORKFLOW: UNPINNED})
    name = os.fsdecode(b"report-\xff.txt")
    run = mlrig("check", "--no-cache", "--output", name, cwd=tree)
    assert (run.code, run.err) == (1, "")
    assert "GHA001" in (tree / name).read_text(encoding="utf-8")
    missing = os.fsdecode(b"missing-\xff/report.md")
    env = {**os.environ, "GITHUB_STEP_SUMMARY": str(tree / missing)}
    run = mlrig("check", "--no-cache", "--format", "github", cwd=tree, env=env)
    assert run.code == 2
    assert run.err.startswith("mlrig: error: ")
    assert "missing-\\udcff/report.md: cannot write: No such file or directory" in run.err


@pytest.mark.parametrize(
    "data",
    [
        b"on: push\x00\njobs: {}\n" * 2000,
        UNPINNED.encode("utf-16-le"),  # UTF-16 without a byte-order mark
        UNPINNED.encode("utf-32-le"),
    ],
    ids=["nul-bytes", "utf16-no-bom", "utf32-no-bom"],
)
def test_a_file_that_is_not_text_is_one_finding(tmp_path: Path, data: bytes) -> None:
    tree = build_file_tree(tmp_path, {WORKFLOW: data})
    run = mlrig("check", "--no-cache", cwd=tree)
    assert run.code == 1
    lines = run.out.splitlines()
    assert len(lines) == 2, run.out[:2000]
    assert lines[0].startswith(f"{WORKFLOW}:1:")
    assert lines[0].endswith(" MLR001 not text: it holds NUL bytes (binary, or UTF-16/32)")
    assert lines[1] == "Found 1 finding in 1 file."
