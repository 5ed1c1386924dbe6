"""The README's set-up commands are the ones CI runs."""

from __future__ import annotations

import re

from tests.conftest import REPO_ROOT


def shell_blocks() -> list[str]:
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sh\n(.*?)\n```", text, flags=re.DOTALL)


def test_ci_runs_the_readme_test_command() -> None:
    test_command = next(block for block in shell_blocks() if "pytest" in block)
    assert "\n" not in test_command, "one line a newcomer can paste"
    ci = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()


def test_the_main_job_command_generates_and_checks() -> None:
    main_job = next(block for block in shell_blocks() if "mlrig new" in block)
    assert "\n" not in main_job
    assert "mlrig new --no-input" in main_job
    assert "mlrig check" in main_job
