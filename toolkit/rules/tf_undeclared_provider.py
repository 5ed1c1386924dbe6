"""## What it does
Reports a provider that a Terraform root module uses (through a `resource`,
`data` or `ephemeral` block, or a `provider` block) when neither a
`required_providers` entry of the configuration (the root and the modules it
calls by local path) nor the root's `.terraform.lock.hcl` names it. One
finding per provider, at its first use.

## Why is this bad
Terraform then guesses `hashicorp/<name>` and `terraform init` installs its
newest release: no constraint says which versions the configuration was
written for, and no lock records which one ran. A provider's major release can
change or remove resources, so the next plan may destroy what the last one
made.

## Example
```hcl
provider "aws" {
  region = "eu-west-1"
}

resource "aws_s3_bucket" "data" {
  bucket = "acme-ml-data"
}
# no terraform { required_providers { aws = ... } }, no .terraform.lock.hcl
```

## Fix
Declare the provider with its source and version, then run `terraform init`
and commit the lock it writes:
```hcl
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.82.2"
    }
  }
}
```
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.views.terraform import Place, TerraformFile
from toolkit.rules._tf import Module, configuration, modules, provider_address

CODE = "TF008"
NAME = "undeclared-provider"
FAMILY = "terraform"
SUMMARY = "A Terraform root module uses a provider no required_providers entry or lock names"
VIEWS = ("terraform",)
BUILTIN = "terraform"  # terraform_data, terraform_remote_state: built into Terraform


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    del options
    for module in modules(project):
        if not module.root:
            continue
        declared = {provider.name for _, provider in configuration(module, project)}
        locked = {p.address.lower() for p in module.lock.providers} if module.lock else set()
        reported: set[str] = set()
        for view, place in _uses(module, project):
            name = place.what
            if name in declared or name in reported or name == BUILTIN or not name:
                continue
            if provider_address(name) in locked:
                continue
            reported.add(name)
            guess = provider_address(name).split("/", 1)[1]
            message = (
                f"provider {name} is used here but no required_providers entry or lock "
                f"pins it, so terraform init installs the newest {guess}; declare it in "
                "required_providers with a version and run terraform providers lock"
            )
            yield Finding(view.path, place.line, place.column, CODE, message)


def _uses(module: Module, project: Project) -> Iterator[tuple[TerraformFile, Place]]:
    """Provider blocks and resource uses of the root and the modules it calls locally."""
    by_folder = {m.folder: m for m in modules(project)}
    seen: set[str] = set()
    todo = [module.folder]
    while todo:
        current = by_folder.get(todo.pop(0))
        if current is None or current.folder in seen:
            continue
        seen.add(current.folder)
        todo.extend(current.calls)
        for view in current.files:
            for place in sorted((*view.providers, *view.uses), key=lambda p: p.line):
                yield view, place
