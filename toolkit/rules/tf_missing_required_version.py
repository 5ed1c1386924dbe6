"""## What it does
Checks that every Terraform root module sets `required_version` in a
`terraform { }` block, and that the constraint is one Terraform can read.
A root module is a folder of `.tf` files with a `terraform` block, a backend,
a `provider` configuration or a `.terraform.lock.hcl`, that is neither under a
`modules/` folder nor called by another module through a local path. Child
modules may leave it out (their caller's constraint applies).

## Why is this bad
Without `required_version`, whichever Terraform a developer or CI runner has
installed will plan and apply, and a newer one silently upgrades the state
format: older binaries then refuse the state, and a plan reviewed in a pull
request may not be what was applied.

## Example
```hcl
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "6.49.0" }
  }
  backend "s3" {}
}
```

## Fix
Name the version the team uses (and keep `.terraform-version` and CI on it):
```hcl
terraform {
  required_version = "1.12.2"
}
```
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.views._hcl import Str
from toolkit.check.views._tfversion import parse_constraint
from toolkit.rules._tf import modules

CODE = "TF001"
NAME = "missing-required-version"
FAMILY = "terraform"
SUMMARY = "A Terraform root module does not set required_version"
VIEWS = ("terraform",)


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    del options
    for module in modules(project):
        for view in module.files:
            for value in view.required_versions:
                if not isinstance(value, Str) or not value.literal:
                    message = "required_version must be a literal string constraint"
                elif parse_constraint(value.value) is None:
                    message = (
                        f"required_version {value.value!r} is not a Terraform version constraint"
                    )
                else:
                    continue
                yield Finding(view.path, value.line, value.column, CODE, message)
        if not module.root or any(view.required_versions for view in module.files):
            continue
        place = next(
            ((v.path, v.terraform_blocks[0]) for v in module.files if v.terraform_blocks), None
        )
        name = module.folder or "."
        message = f"root module {name} does not set required_version; add it to the terraform block"
        if place is None:
            yield Finding(module.first_file.path, 1, 1, CODE, message)
        else:
            yield Finding(place[0], place[1].line, place[1].column, CODE, message)
