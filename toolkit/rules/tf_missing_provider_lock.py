"""## What it does
Checks that every Terraform root module that requires providers has a
`.terraform.lock.hcl` beside its `.tf` files, checked in.

## Why is this bad
The lock file is what makes `terraform init` install the same provider builds
on every machine, verified by their hashes. Without it each run resolves the
constraints again, and CI can apply with a provider build nobody reviewed
(or one that a compromised registry served).

## Example
```
terraform/
  main.tf         # required_providers { aws = ... }
  versions.tf
                  # no .terraform.lock.hcl
```

## Fix
Create it for every platform that runs Terraform, and commit it:
```console
terraform providers lock -platform=linux_amd64 -platform=darwin_arm64
```
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.rules._tf import configuration, modules

CODE = "TF004"
NAME = "missing-provider-lock"
FAMILY = "terraform"
SUMMARY = "A Terraform root module that requires providers has no .terraform.lock.hcl"
VIEWS = ("terraform",)


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    del options
    for module in modules(project):
        if not module.root or module.lock_present:
            continue
        first = next(configuration(module, project), None)
        if first is None:
            continue
        view, provider = first
        name = module.folder or "."
        message = (
            f"root module {name} requires providers but has no .terraform.lock.hcl; "
            "run `terraform init` and commit it"
        )
        yield Finding(view.path, provider.line, provider.column, CODE, message)
