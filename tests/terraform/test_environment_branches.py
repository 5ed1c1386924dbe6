"""Which branches may enter each GitHub environment, as Terraform computes it.

The generated root (``terraform/github.tf``) passes its environments to mlrig's
``github-environments`` module; the module turns each environment's ``branches`` into a
deployment branch policy (none: any branch). The Terraform 1.11 binary evaluates the
module's own ``locals`` and its policy condition for the rendered map (``terraform
console``, no provider needed): ``github-app``, which holds the CT App's private key,
admits ``main`` alone, so no job of a branch's workflow can read the key.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.terraform.aws_local import cli_config, require_terraform, terraform
from tests.terraform.conftest import MODULES_DIR

MODULE = MODULES_DIR / "github-environments"
CONDITION = re.compile(
    r"(?m)^\s*for_each = (length\(each\.value\.branches\) > 0) \? \[true\] : \[\]$"
)


def module_copy(into: Path) -> None:
    """The module's variables and locals (its resources need the github provider), with
    its branch policies and its restriction condition as outputs."""
    main = (MODULE / "main.tf").read_text(encoding="utf-8")
    (locals_block,) = re.findall(r"(?ms)^locals \{\n.*?^\}\n", main)
    condition = CONDITION.search(main)
    assert condition, "github-environments: the deployment_branch_policy condition moved"
    restricted = condition.group(1).replace("each.value", "environment")
    into.mkdir(parents=True)
    (into / "variables.tf").write_text((MODULE / "variables.tf").read_text("utf-8"), "utf-8")
    (into / "policies.tf").write_text(
        locals_block
        + 'output "branch_policies" {\n  value = local.branch_policies\n}\n'
        + 'output "restricted" {\n  value = { for name, environment in var.environments : '
        + f"name => {restricted} }}\n}}\n",
        encoding="utf-8",
    )


def rendered_environments(repo: Path) -> str:
    """The environments map literal of the rendered root's github.tf."""
    text = (repo / "terraform/github.tf").read_text(encoding="utf-8")
    found = re.search(r"(?s)for name, settings in (\{.*?\n    \}) : name => merge", text)
    assert found, "github.tf: no environments map"
    return found.group(1)


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_the_app_key_environment_admits_main_alone(
    generated: dict[str, Path], tmp_path: Path, cloud: str
) -> None:
    module_copy(tmp_path / "module")
    (tmp_path / "main.tf").write_text(
        'variable "required_reviewers" {\n  type    = any\n  default = { users = [1] }\n}\n'
        'module "github" {\n  source       = "./module"\n  repository   = "my-ml-project"\n'
        f"  environments = {rendered_environments(generated[cloud])}\n}}\n",
        encoding="utf-8",
    )
    init = terraform(tmp_path, "init", "-backend=false")
    assert init.returncode == 0, init.stdout + init.stderr
    outputs = console(tmp_path, "jsonencode(module.github)")
    policies = {key: value["branch"] for key, value in outputs["branch_policies"].items()}
    restricted = outputs["restricted"]
    assert restricted["github-app"] is True
    assert [b for k, b in policies.items() if k.startswith("github-app|")] == ["main"]
    # Pull requests' environments stay open (their jobs hold no App key); writers are main's.
    assert {name for name, closed in restricted.items() if not closed} == {
        "ci",
        "infra-plan",
        "training",
        "serving-image",
    }


def console(folder: Path, expression: str) -> dict[str, Any]:
    """``terraform console``'s value of a ``jsonencode(...)`` expression."""
    binary, _ = require_terraform()
    env = {
        **os.environ,
        "TF_CLI_CONFIG_FILE": str(cli_config(folder)),
        "TF_DATA_DIR": str(folder / ".terraform"),
        "CHECKPOINT_DISABLE": "1",
    }
    done = subprocess.run(
        [str(binary), "console"],
        input=expression + "\n",
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    value: dict[str, Any] = json.loads(json.loads(done.stdout))
    return value
