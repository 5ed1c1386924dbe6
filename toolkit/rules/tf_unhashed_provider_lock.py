"""## What it does
Checks that every provider in a `.terraform.lock.hcl` has `hashes`, and at
least one `h1:` hash among them. A lock with only `zh:` hashes is a finding.

## Why is this bad
Terraform verifies each provider package it installs against the lock's
hashes; an entry without hashes verifies nothing. `zh:` hashes are the
registry's checksums of the zip archives: they verify a download from the
origin registry, but a provider taken from a plugin cache, a filesystem or
network mirror is verified by its `h1:` hash only, so a `zh:`-only lock fails
there (or, without `-lockfile=readonly`, is rewritten with whatever was found).

## Example
```hcl
provider "registry.terraform.io/hashicorp/aws" {
  version = "6.49.0"
  hashes = [
    "zh:11a636bb415bf780f0ad300cab83d687aebdc51381112ae7b29862e0bee43017",
  ]
}
```

## Fix
Record `h1:` hashes for every platform that runs Terraform:
```console
terraform providers lock -platform=linux_amd64 -platform=darwin_arm64
```
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.views.terraform import LockFile

CODE = "TF006"
NAME = "unhashed-provider-lock"
FAMILY = "terraform"
SUMMARY = "A provider in a Terraform lock file has no h1: hash"
SEVERITY = "warning"
VIEWS = ("terraform",)


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    del options
    for view in project.views("terraform"):
        if not isinstance(view, LockFile):
            continue
        for entry in view.providers:
            schemes = {h.value.partition(":")[0] for h in entry.hashes}
            if not schemes:
                message = f"{entry.address} has no hashes; run `terraform providers lock`"
            elif "h1" not in schemes:
                message = (
                    f"{entry.address} has only {', '.join(sorted(schemes))}: hashes; "
                    "a plugin cache or mirror can verify only h1:; run `terraform providers lock`"
                )
            else:
                continue
            yield Finding(view.path, entry.line, entry.column, CODE, message)
