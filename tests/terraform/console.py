"""Evaluate a generated root's own Terraform expressions with the terraform binary
(``terraform console``) over many cases at once, and the generated code's own functions
over the same cases, so that a test compares the two."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any


def assignment(text: str, name: str) -> str:
    """The ``name = <expression>`` line(s) of a locals block, brackets balanced."""
    start = re.search(rf"^  {name}\s+=", text, re.MULTILINE)
    assert start, name
    lines: list[str] = []
    depth = 0
    for line in text[start.start() :].splitlines():
        lines.append(line)
        bare = re.sub(r'"(?:[^"\\]|\\.)*"', '""', line)
        depth += bare.count("{") + bare.count("[") - bare.count("}") - bare.count("]")
        if depth <= 0:
            return "\n".join(lines)
    raise AssertionError(f"unbalanced {name}")


def over_cases(
    terraform: str,
    work: Path,
    case_type: str,
    cases: list[Any],
    expression: str,
    *,
    prelude: str = "",
) -> Any:
    """``[for c in var.cases : <expression>]`` as terraform computes it, ``cases`` being a
    variable of ``list(<case_type>)`` beside the HCL ``prelude``."""
    work.mkdir(parents=True, exist_ok=True)
    (work / "main.tf").write_text(
        f'variable "cases" {{\n  type = list({case_type})\n}}\n\n{prelude}', encoding="utf-8"
    )
    (work / "terraform.tfvars.json").write_text(json.dumps({"cases": cases}), encoding="utf-8")
    done = subprocess.run(
        [terraform, "console"], input=f"jsonencode([for c in var.cases : {expression}])\n",
        cwd=work, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(json.loads(done.stdout))


def generated_code(repo: Path, script: str, cases: list[Any]) -> Any:
    """What ``script`` prints (JSON) in ``repo``'s ``src`` with ``cases`` on its stdin; its
    ``PACKAGE`` is the generated package's name."""
    package = next((repo / "src").iterdir()).name
    done = subprocess.run(
        [sys.executable, "-c", script.replace("PACKAGE", package)], input=json.dumps(cases),
        cwd=repo / "src", capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def expression_of(text: str, resource: str, key: str) -> str:
    """The expression of ``key`` in ``resource``'s block (its first such line)."""
    kind, name = resource.split(".")
    block = text[text.index(f'resource "{kind}" "{name}"') :]
    found = re.search(rf"^  {key}\s+= (.+)$", block, re.MULTILINE)
    assert found, (resource, key)
    return found[1]
