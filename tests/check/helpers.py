"""Small input trees for check tests, built inline (after copier's ``build_file_tree``)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

SHA = "11bd71901bbe5b1630ceea73d27597364c9af683"
WORKFLOW = ".github/workflows/ci.yml"


def build_file_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``files`` (path -> text or bytes) under ``root``; return ``root``."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="\n")
    return root


def workflow(steps: str) -> str:
    """A minimal workflow with the given (already indented) step lines."""
    head = "on: push\npermissions: {}\njobs:\n  test:\n    runs-on: ubuntu-24.04\n    steps:\n"
    return head + steps


def git_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """:func:`build_file_tree`, then ``git init`` there (a work tree is the root of a run)."""
    build_file_tree(root, files)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


@dataclass(frozen=True)
class Run:
    """One ``mlrig`` process: exit code and output."""

    code: int
    out: str
    err: str


def mlrig(
    *args: str | Path, cwd: Path, timeout: float = 60, env: dict[str, str] | None = None
) -> Run:
    """Run ``python -m toolkit ARGS`` as a separate process, as pre-commit or CI would."""
    command = [sys.executable, "-m", "toolkit", *map(str, args)]
    result = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False, env=env
    )
    return Run(result.returncode, result.stdout, result.stderr)
