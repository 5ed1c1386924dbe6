"""The tests' tools come from the venv beside ``sys.executable``, never from ``PATH``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests import tools

JUDGES = ["zizmor", "actionlint", "check-jsonschema", "ruff", "shellcheck"]
COMPONENTS = ["dvc", "pre-commit", "moto_server", "kubectl", "terraform"]


@pytest.mark.parametrize("name", [*JUDGES, *COMPONENTS])
def test_every_tool_the_install_step_brings_is_found_in_the_venv(
    name: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    found = Path(tools.tool(name))
    assert found.parent == Path(sys.executable).parent


def test_a_missing_tool_fails_the_test_instead_of_skipping_it() -> None:
    with pytest.raises(pytest.fail.Exception, match=r"not in .*: the install step provides it"):
        tools.tool("no-such-judge")


def test_the_venv_terraform_is_the_wrappers_1_0_3() -> None:
    done = subprocess.run(
        [tools.tool("terraform"), "version"], capture_output=True, text=True, check=True
    )
    assert done.stdout.startswith("Terraform v1.0.3")
