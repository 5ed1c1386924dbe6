"""The ``check`` fast path imports click, PyYAML and what it needs; never dvc, jinja2,
ruamel.yaml, jsonschema or cookiecutter (docs/performance.md). Timings are the bench's job."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.check.helpers import SHA, WORKFLOW, build_file_tree, workflow

FORBIDDEN = ("dvc", "jinja2", "ruamel", "jsonschema", "cookiecutter", "pre_commit", "hcl2", "lark")
REPO = Path(__file__).resolve().parents[2]


def imported(cwd: Path, *args: str) -> set[str]:
    command = [sys.executable, "-X", "importtime", "-m", "toolkit", "check", *args]
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    assert result.returncode in (0, 1), result.stderr[-2000:]
    names = (line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if "|" in line)
    return {name.split(".")[0] for name in names}


def test_one_workflow_imports_nothing_heavy(tmp_path: Path) -> None:
    build_file_tree(
        tmp_path, {WORKFLOW: workflow(f"      - uses: actions/checkout@{SHA}  # v4.2.2\n")}
    )
    modules = imported(tmp_path, WORKFLOW)
    assert {"click", "yaml", "toolkit"} <= modules
    assert sorted(modules & set(FORBIDDEN)) == []


@pytest.mark.parametrize("args", [(), ("--format", "sarif")])
def test_a_generated_repository_imports_nothing_forbidden(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    command = [sys.executable, "-m", "toolkit", "new", "--no-input", "-o", str(tmp_path)]
    subprocess.run(command, cwd=REPO, check=True, capture_output=True)
    generated = next(tmp_path.iterdir())
    modules = imported(generated, *args)
    assert sorted(modules & set(FORBIDDEN[:5])) == []
