"""``terraform validate`` of every AWS module and of the generated AWS root, for real.

``aws_root`` says what is replaced to load them here, and only that.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.terraform.aws_local import init_and_validate, require_terraform
from tests.terraform.aws_root import AWS_MODULES, local_modules, local_root
from tests.terraform.conftest import render
from tests.terraform.hcl import fields, load, unquote

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("module", AWS_MODULES)
def test_terraform_validate_passes_on_the_aws_module(module: str, tmp_path: Path) -> None:
    _, aws_version = require_terraform()
    folder = local_modules(tmp_path / "modules", aws_version) / module
    done = init_and_validate(folder)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success! The configuration is valid." in done.stdout


@pytest.mark.parametrize("target", ["kserve", "managed"])
def test_terraform_validate_passes_on_the_generated_aws_root(
    target: str, generated: dict[str, Path], tmp_path: Path
) -> None:
    _, aws_version = require_terraform()
    repo = (
        generated["aws"]
        if target == "kserve"
        else render(tmp_path / "repo", cloud="aws", deploy_target=target)
    )
    root = local_root(repo, tmp_path, aws_version)
    assert not any(re.search(r"module\.github\b", p.read_text()) for p in root.glob("*.tf"))
    done = init_and_validate(root)
    assert done.returncode == 0, done.stdout + done.stderr
    called = {
        unquote(k) for p in root.glob("*.tf") for b in load(p).get("module", []) for k in fields(b)
    }
    assert called == {"github_oidc", "dvc_remote", "gpu_runners", "serving_registry"} | (
        {"serving_identity", "capture_identity"} if target == "kserve" else set()
    )
