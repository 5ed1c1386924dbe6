"""The generated AWS root, made loadable by this machine's Terraform and aws mirror.

What cannot be loaded here is replaced, and only that: the root's exact
Terraform pin (1.12.2) becomes ``>= 1.5.0`` for this machine's 1.11; the upstream
runner module needs providers the mirror lacks (aws >= 6.33, random), so a
stand-in with the same inputs and with outputs shaped as
``provider_schemas.json`` records them (``role_runner`` a list) takes its place;
the root's ``integrations/github`` part (``github.tf``) is checked by the schema
test.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.terraform.aws_local import (
    copy_module,
    moto_provider,
    moto_server,
    relax,
    require_terraform,
    terraform,
)
from tests.terraform.conftest import MODULE_SOURCE, MODULES, MODULES_DIR
from tests.terraform.hcl import fields, load
from tests.terraform.tfgraph import schemas

AWS_MODULES = [name for name in MODULES if name.startswith("aws-")]
UPSTREAM = re.compile(r'"git::https://github\.com/github-aws-runners/[^"]+"')
LIST_VALUE = '[{ name = "stand-in", arn = "arn:aws:iam::123456789012:role/stand-in" }]'
ONE_VALUE = '"stand-in"'
NOT_IN_MIRROR = re.compile(r"\n    (null|random|github) = \{\n[^}]*\}")
# The root pins Terraform 1.12.2 exactly; this machine carries 1.11.
EXACT_CORE = re.compile(r'required_version = "[0-9.]+"')
TFVARS = """github_repository_id = "1234"
github_owner_id      = "4567"
required_reviewers   = { teams = [1] }
vpc_id               = "vpc-0123456789abcdef0"
subnet_ids           = ["subnet-0123456789abcdef0"]
"""
BACKEND = 'terraform {\n  backend "local" {}\n}\n'


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


def local_root(repo: Path, into: Path, aws_version: str) -> Path:
    """A copy of ``repo``'s generated ``terraform/`` under ``into``, loadable here."""
    modules = local_modules(into / "modules", aws_version)
    root = into / "terraform"
    shutil.copytree(repo / "terraform", root)
    (root / ".terraform.lock.hcl").unlink()
    (root / "github.tf").unlink()
    for path in root.glob("*.tf"):
        text = MODULE_SOURCE.sub(lambda m: f'"{modules / m.group(1)}"', path.read_text())
        text = EXACT_CORE.sub('required_version = ">= 1.5.0"', NOT_IN_MIRROR.sub("", text))
        path.write_text(text, encoding="utf-8")
    relax(root, aws_version)
    return root


@dataclass(frozen=True)
class Applied:
    """A generated root applied against a moto server: its folder and the server."""

    root: Path
    endpoint: str

    def client(self, service: str) -> Any:
        """A boto3 client of ``service`` on the moto server."""
        boto3 = pytest.importorskip("boto3")
        session = boto3.session.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
        )
        return session.client(service, endpoint_url=self.endpoint)

    def output(self, name: str) -> str:
        """``terraform output -json <name>``, as Terraform prints it."""
        done = terraform(self.root, "output", "-json", name)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout


@contextmanager
def applied_root_at(
    repo: Path, into: Path, targets: Sequence[str], tfvars: str = ""
) -> Iterator[Applied]:
    """``repo``'s root applied (``-target`` each of ``targets``, ``tfvars`` added to the
    test's) against a moto server with AWS's managed policies loaded; destroyed afterwards."""
    pytest.importorskip("boto3")
    _, aws_version = require_terraform()
    root = local_root(repo, into, aws_version)
    (root / "terraform.tfvars").write_text(TFVARS + tfvars, encoding="utf-8")
    chosen = [f"-target={target}" for target in targets]
    with moto_server(managed_policies=True) as endpoint:
        (root / "override.tf").write_text(BACKEND + moto_provider(endpoint), encoding="utf-8")
        for step in (("init",), ("apply", "-auto-approve", *chosen)):
            done = terraform(root, *step)
            assert done.returncode == 0, done.stdout + done.stderr
        yield Applied(root, endpoint)
        done = terraform(root, "destroy", "-auto-approve", *chosen)
        assert done.returncode == 0, done.stdout + done.stderr


@contextmanager
def applied_root(repo: Path, into: Path, targets: Sequence[str]) -> Iterator[Any]:
    """A boto3 IAM client of a moto server where ``repo``'s root is applied (``-target``
    each of ``targets``), with AWS's managed policies loaded; destroyed afterwards."""
    with applied_root_at(repo, into, targets) as applied:
        yield applied.client("iam")
