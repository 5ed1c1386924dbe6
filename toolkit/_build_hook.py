"""Hatch build hook: record the commit the wheel's template comes from."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    """Writes ``toolkit/_resources/template_commit`` into the wheel."""

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=self.root,
            capture_output=True,
            text=True,
            check=False,
        )
        commit = result.stdout.strip() if result.returncode == 0 else "unknown"
        out = Path(self.directory) / "template_commit"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(commit + "\n", encoding="ascii")
        build_data["force_include"][str(out)] = "toolkit/_resources/template_commit"
