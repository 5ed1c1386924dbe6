"""## What it does
Compares the `required_providers` of a root module, and of the modules it
calls by local path, with the `.terraform.lock.hcl` beside the root module:
every required provider has an entry (by its
source address; `registry.terraform.io` is the default host and `hashicorp`
the default namespace), and the locked `version` satisfies the module's
constraint (Terraform's operators `=`, `!=`, `>`, `>=`, `<`, `<=`, `~>`).

## Why is this bad
`terraform init` refuses a lock file that does not satisfy the configuration,
or, without `-lockfile=readonly`, quietly rewrites it with whatever the
registry serves that day: the commit no longer says which provider build ran.

## Example
```hcl
# versions.tf
aws = { source = "hashicorp/aws", version = "6.50.0" }
# .terraform.lock.hcl
provider "registry.terraform.io/hashicorp/aws" {
  version = "6.49.0"
```

## Fix
Update the lock for every platform after changing a constraint, and commit
both together:
```console
terraform init -upgrade
terraform providers lock -platform=linux_amd64 -platform=darwin_arm64
```
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.views._tfversion import satisfies
from toolkit.check.views.terraform import LockedProvider
from toolkit.rules._tf import BUILTIN, configuration, literal, modules, provider_address

CODE = "TF005"
NAME = "stale-provider-lock"
FAMILY = "terraform"
SUMMARY = "A Terraform lock file does not cover or satisfy the required providers"
VIEWS = ("terraform",)


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    del options
    for module in modules(project):
        if not module.root or module.lock is None:
            continue
        locked = {provider_address(p.address): p for p in module.lock.providers}
        for view, provider in configuration(module, project):
            address = provider_address(literal(provider.source) or provider.name)
            if address == BUILTIN:
                continue
            entry = locked.get(address)
            if entry is None:
                message = (
                    f"provider {provider.name} ({address}) is not in {module.lock.path}; "
                    "run `terraform init`"
                )
                yield Finding(view.path, provider.line, provider.column, CODE, message)
                continue
            yield from _version(view.path, provider.version, entry, module.lock.path)


def _version(path: str, constraint: Any, entry: LockedProvider, lock: str) -> Iterator[Finding]:
    wanted = literal(constraint)
    version = literal(entry.version)
    if wanted is None or version is None:
        return
    if satisfies(version, wanted) is False:
        message = (
            f"{lock} has {entry.address} {version}, "
            f"which does not satisfy {wanted!r}; run terraform init -upgrade"
        )
        yield Finding(path, constraint.line, constraint.column, CODE, message)
