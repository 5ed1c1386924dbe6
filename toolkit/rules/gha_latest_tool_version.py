"""## What it does
Reports a step input that asks a setup action for the newest tool version:
an input whose name contains `version` set to `latest`, `*`, `x`, `stable`,
`nightly`, `lts/*` or a wildcard such as `3.x`, a `python-version` that names
only the major version (`'3'`, as loose as `3.x`), and `check-latest: true`.
A setup action with no version input at all is GHA007.

## Why is this bad
"Latest" is decided when the job runs, so the same commit builds with one
Python, Node, Terraform or DVC today and another tomorrow; failures then come
from nowhere, and a pinned lock file may no longer install.

## Example
```yaml
- uses: hashicorp/setup-terraform@b9cd54a3c349d3f38e8881555d616ced269862dd  # v3.1.2
  with:
    terraform_version: latest
```

## Fix
Name an exact version (and update it deliberately, with Renovate or Dependabot):
```yaml
  with:
    terraform_version: 1.9.8
```
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.rules._gha import GHA_VIEWS, steps

CODE = "GHA006"
NAME = "latest-tool-version"
FAMILY = "github-actions"
SUMMARY = "A setup step asks for the latest tool version instead of an exact one"
VIEWS = GHA_VIEWS

FLOATING = frozenset({"latest", "*", "x", "stable", "nightly", "lts/*", "node"})


def floating(version: str) -> bool:
    """``latest`` and friends, or a wildcard such as ``3.x`` or ``20.*``."""
    value = version.strip().lower()
    return value in FLOATING or value.endswith((".x", ".*"))


def _major_only(name: str, value: Any) -> bool:
    """``python-version: 3`` takes any 3.x, as loose as ``3.x``."""
    return name == "python-version" and str(getattr(value, "raw", value)).strip().isdigit()


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    del options
    for path, _, step in steps(project):
        for key, value in step.with_.items():
            name = str(key)
            line, col = step.with_.pos(key)
            if "version" in name.lower() and (floating(str(value)) or _major_only(name, value)):
                message = (
                    f"{name}: {value} picks whatever is newest when the job runs; "
                    "set an exact version"
                )
                yield Finding(path, line, col, CODE, message)
            elif name == "check-latest" and value is True:
                message = "check-latest: true resolves a newer version when the job runs"
                yield Finding(path, line, col, CODE, message)
