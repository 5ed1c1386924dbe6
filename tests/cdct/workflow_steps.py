"""Run the ``run:`` steps of a generated workflow locally, as GitHub's runner would.

A step runs with ``bash --noprofile --norc -eo pipefail`` (GitHub's default shell),
its ``env:`` with each ``${{ expression }}`` replaced from a mapping the test gives
(an expression the test did not give fails the test), and the runner's files:
``GITHUB_OUTPUT``, ``GITHUB_STEP_SUMMARY``, ``GITHUB_ENV``, ``GITHUB_PATH`` and
``RUNNER_TEMP``; ``cwd`` is the job's workspace (a step's ``working-directory`` is
relative to it). ``uses:`` steps are the test's to stand in for.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


@dataclass
class Ran:
    """What a step did: its exit code, its output, and the outputs it set."""

    returncode: int
    stdout: str
    stderr: str
    outputs: dict[str, str] = field(default_factory=dict)
    summary: str = ""


def job_steps(workflow: Path, job: str) -> dict[str, dict[str, Any]]:
    """The named steps of ``job``, by name."""
    data = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    steps = data["jobs"][job]["steps"]
    return {str(step["name"]): step for step in steps if "name" in step}


def substitute(text: str, expressions: Mapping[str, str]) -> str:
    """``text`` with each ``${{ expression }}`` replaced by its given value."""

    def value(match: re.Match[str]) -> str:
        expression = match[1]
        assert expression in expressions, f"the test gives no value for ${{{{ {expression} }}}}"
        return expressions[expression]

    return EXPRESSION.sub(value, text)


def read_outputs(path: Path) -> dict[str, str]:
    """``$GITHUB_OUTPUT``'s ``key=value`` and ``key<<DELIMITER`` entries."""
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    outputs: dict[str, str] = {}
    while lines:
        line = lines.pop(0)
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            key, delimiter = line.split("<<", 1)
            end = lines.index(delimiter)
            outputs[key] = "\n".join(lines[:end])
            lines = lines[end + 1 :]
        elif "=" in line:
            key, value = line.split("=", 1)
            outputs[key] = value
    return outputs


def run_step(
    step: dict[str, Any],
    cwd: Path,
    env: Mapping[str, str],
    runner_temp: Path,
    expressions: Mapping[str, str] | None = None,
) -> Ran:
    """Run one ``run:`` step in ``cwd``; the ``RUNNER_TEMP`` folder is kept between steps."""
    script = step["run"]
    assert "${{" not in script, "expressions in run: are injection risks; use env:"
    runner_temp.mkdir(parents=True, exist_ok=True)
    files = {
        name: runner_temp / f"{name.lower()}-{os.getpid()}"
        for name in ("GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "GITHUB_ENV", "GITHUB_PATH")
    }
    for path in files.values():
        path.write_text("", encoding="utf-8")
    step_env = {
        key: substitute(str(value), expressions or {}) for key, value in step.get("env", {}).items()
    }
    full_env = {
        **os.environ,
        **env,
        **step_env,
        **{k: str(v) for k, v in files.items()},
        "RUNNER_TEMP": str(runner_temp),
    }
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=cwd / step.get("working-directory", "."),
        env=full_env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    return Ran(
        done.returncode,
        done.stdout,
        done.stderr,
        read_outputs(files["GITHUB_OUTPUT"]),
        files["GITHUB_STEP_SUMMARY"].read_text(encoding="utf-8"),
    )
