"""The README's set-up commands are the ones CI runs."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ALLOWED_SKIPS, REPO_ROOT


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


def test_the_readme_names_every_allowed_skip() -> None:
    text = " ".join((REPO_ROOT / "README.md").read_text(encoding="utf-8").split())
    for reason in ALLOWED_SKIPS:
        assert f"`{reason}" in text, reason


# The README's command runs the suite on xdist workers: the policy must hold there too.
@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["in-process", "xdist"])
def test_a_skip_for_another_reason_fails_the_run(tmp_path: Path, workers: list[str]) -> None:
    (tmp_path / "test_skips.py").write_text(
        "import pytest\n\n"
        "def test_tool_missing():\n    pytest.skip('zizmor is not installed')\n\n"
        f"def test_allowed():\n    pytest.skip({ALLOWED_SKIPS[0] + ' mirrors'!r})\n",
        encoding="utf-8",
    )
    plugins = ["-p", "tests.conftest", "-p", "no:cacheprovider", "-c", os.devnull]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            *plugins,
            *workers,
            "--rootdir",
            str(tmp_path),
            str(tmp_path),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stdout
    assert "1 failed, 1 skipped" in done.stdout
    assert "skipped for a reason README.md does not allow: 'zizmor is not installed'" in done.stdout
