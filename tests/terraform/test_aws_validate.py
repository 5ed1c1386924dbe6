"""``terraform validate`` of every AWS module and of the generated AWS root, for real.

What cannot be loaded here is replaced, and only that: the root's exact
Terraform pin (1.12.2) becomes ``>= 1.5.0`` for this machine's 1.11; the upstream runner
module needs providers the mirror lacks (aws >= 6.33, random), so a stand-in
with the same inputs and with outputs shaped as ``provider_schemas.json``
records them (``role_runner`` a list) takes its place; the root's
``integrations/github`` part (``github.tf``) is checked by the schema test.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.terraform.aws_local import copy_module, init_and_validate, relax, require_terraform
from tests.terraform.conftest import MODULE_SOURCE, MODULES, MODULES_DIR, render
from tests.terraform.hcl import fields, load, unquote
from tests.terraform.tfgraph import schemas

pytestmark = pytest.mark.slow
AWS_MODULES = [name for name in MODULES if name.startswith("aws-")]
UPSTREAM = re.compile(r'"git::https://github\.com/github-aws-runners/[^"]+"')
LIST_VALUE = '[{ name = "stand-in", arn = "arn:aws:iam::123456789012:role/stand-in" }]'
ONE_VALUE = '"stand-in"'
NOT_IN_MIRROR = re.compile(r"\n    (null|random|github) = \{\n[^}]*\}")
# The root pins Terraform 1.12.2 exactly; this machine carries 1.11.
EXACT_CORE = re.compile(r'required_version = "[0-9.]+"')


def stand_in(into: Path) -> Path:
    """The upstream runner module's interface: every input we pass, outputs as recorded."""
    call = fields(load(MODULES_DIR / "aws-gpu-runners" / "main.tf")["module"][0])['"runners"']
    inputs = sorted(key for key in call if key not in {"source", "__is_block__"})
    recorded: dict[str, Any] = next(iter(schemas()["modules"].values()))["outputs"]
    lines = [f'variable "{name}" {{\n  type    = any\n  default = null\n}}\n' for name in inputs]
    for output, spec in recorded.items():
        entries = [
            f"    {key} = {LIST_VALUE if entry['list'] else ONE_VALUE}"
            for key, entry in spec["object"].items()
        ]
        lines.append(f'output "{output}" {{\n  value = {{\n' + "\n".join(entries) + "\n  }\n}\n")
    into.mkdir(parents=True)
    (into / "main.tf").write_text("\n".join(lines), encoding="utf-8")
    return into


def local_modules(into: Path, aws_version: str) -> Path:
    """This checkout's AWS modules, relaxed to the mirror, the runner module stood in for."""
    for name in AWS_MODULES:
        copy_module(MODULES_DIR / name, into / name)
    runners = into / "aws-gpu-runners" / "main.tf"
    runners.write_text(
        UPSTREAM.sub(f'"{stand_in(into / "upstream-runners")}"', runners.read_text())
    )
    relax(into, aws_version)
    return into


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
    modules = local_modules(tmp_path / "modules", aws_version)
    root = tmp_path / "terraform"
    repo = (
        generated["aws"]
        if target == "kserve"
        else render(tmp_path / "repo", cloud="aws", deploy_target=target)
    )
    shutil.copytree(repo / "terraform", root)
    (root / ".terraform.lock.hcl").unlink()
    (root / "github.tf").unlink()
    for path in root.glob("*.tf"):
        text = MODULE_SOURCE.sub(lambda m: f'"{modules / m.group(1)}"', path.read_text())
        text = EXACT_CORE.sub('required_version = ">= 1.5.0"', NOT_IN_MIRROR.sub("", text))
        path.write_text(text, encoding="utf-8")
    relax(root, aws_version)
    assert not any(re.search(r"module\.github\b", p.read_text()) for p in root.glob("*.tf"))
    done = init_and_validate(root)
    assert done.returncode == 0, done.stdout + done.stderr
    called = {
        unquote(k) for p in root.glob("*.tf") for b in load(p).get("module", []) for k in fields(b)
    }
    assert called == {"github_oidc", "dvc_remote", "gpu_runners"} | (
        {"serving_identity"} if target == "kserve" else set()
    )
