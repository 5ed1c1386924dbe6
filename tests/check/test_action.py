"""``action.yml``: accepted by the judges (zizmor, actionlint, shellcheck), and it really runs.

The run test plays the composite action's steps the way a runner does (bash
with ``-eo pipefail``, ``$GITHUB_OUTPUT``, ``$GITHUB_STEP_SUMMARY``), installing
the hashed requirements from the package index into a fresh virtual environment.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.check.helpers import WORKFLOW, build_file_tree, workflow
from tests.tools import tool

REPO = Path(__file__).resolve().parents[2]
ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
USE = """on: push
permissions: {}
jobs:
  check:
    runs-on: ubuntu-24.04
    steps:
      - id: mlrig
        uses: ./
        with:
          paths: src
          args: --select GHA
          sarif-file: out.sarif
      - run: echo "$SARIF $CODE"
        env:
          SARIF: ${{ steps.mlrig.outputs.sarif-file }}
          CODE: ${{ steps.mlrig.outputs.exit-code }}
"""


@pytest.mark.slow
def test_zizmor_finds_nothing() -> None:
    result = subprocess.run(
        [tool("zizmor"), "--offline", "action.yml"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_actionlint_accepts_the_action_as_used(tmp_path: Path) -> None:
    shutil.copy(REPO / "action.yml", tmp_path / "action.yml")
    build_file_tree(tmp_path, {".github/workflows/use.yml": USE})
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    result = subprocess.run(
        [tool("actionlint")], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(ACTION["runs"]["steps"])))
def test_shellcheck_accepts_each_step(tmp_path: Path, index: int) -> None:
    script = tmp_path / "step.sh"
    script.write_text("#!/bin/bash\n" + ACTION["runs"]["steps"][index]["run"], encoding="utf-8")
    result = subprocess.run(
        [tool("shellcheck"), str(script)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout


def _expand(value: str, inputs: dict[str, str], outputs: dict[str, dict[str, str]]) -> str:
    def one(found: re.Match[str]) -> str:
        expression = found[1].strip()
        if expression.startswith("inputs."):
            name = expression.removeprefix("inputs.")
            return inputs.get(name, ACTION["inputs"][name].get("default", ""))
        step, _, name = expression.removeprefix("steps.").partition(".outputs.")
        return outputs[step][name]

    return re.sub(r"\$\{\{(.*?)\}\}", one, value)


def play(workspace: Path, inputs: dict[str, str], scratch: Path) -> tuple[int, dict[str, str]]:
    """Run the composite steps like a runner; return the last exit code and the action outputs."""
    outputs: dict[str, dict[str, str]] = {}
    summary = scratch / "summary.md"
    code = 0
    for step in ACTION["runs"]["steps"]:
        output_file = scratch / f"{step['id']}.out"
        output_file.write_text("", encoding="utf-8")
        env: dict[str, Any] = {
            **os.environ,
            "RUNNER_TEMP": str(scratch),
            "GITHUB_ACTION_PATH": str(REPO),
            "GITHUB_OUTPUT": str(output_file),
            "GITHUB_STEP_SUMMARY": str(summary),
        }
        env.update({k: _expand(str(v), inputs, outputs) for k, v in step.get("env", {}).items()})
        env.pop("PYTHONPATH", None)
        command = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]]
        code = subprocess.run(command, cwd=workspace, env=env, check=False, timeout=600).returncode
        lines = output_file.read_text(encoding="utf-8").splitlines()
        outputs[step["id"]] = dict(line.split("=", 1) for line in lines if "=" in line)
        if code != 0:
            break
    return code, {k: _expand(v["value"], inputs, outputs) for k, v in ACTION["outputs"].items()}


@pytest.mark.slow
def test_the_action_installs_and_reports(tmp_path: Path) -> None:
    workspace = build_file_tree(
        tmp_path / "ws", {WORKFLOW: workflow("      - uses: actions/checkout@v4\n")}
    )
    inputs = {"python": sys.executable, "args": "--select GHA001"}
    code, outputs = play(workspace, inputs, tmp_path)
    assert code == 1
    assert outputs == {"sarif-file": "mlrig.sarif", "exit-code": "1"}
    assert '"ruleId": "GHA001"' in (workspace / "mlrig.sarif").read_text(encoding="utf-8")
    assert (tmp_path / "summary.md").read_text(encoding="utf-8").startswith("## mlrig check")
    code, outputs = play(workspace, {**inputs, "fail-on-findings": "false"}, tmp_path)
    assert (code, outputs["exit-code"]) == (0, "1")
