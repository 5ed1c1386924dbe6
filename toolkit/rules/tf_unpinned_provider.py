"""## What it does
Checks the `version` of every entry of `required_providers`. Every module
needs a version constraint; a root module needs an exact version
(`"6.49.0"` or `"= 6.49.0"`). Child modules (under `modules/`, or called
through a local path) may use ranges such as `">= 6.33.0, < 7.0.0"`, so that
their callers can choose.

## Why is this bad
With no version, `terraform init -upgrade` takes whatever is newest, including
a new major version with breaking changes. In a root module a range says that
the lock file, not the code, decides the version: a reviewer cannot see which
provider a commit was planned with, and deleting the lock changes it silently.

## Example
```hcl
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }
}
```

## Fix
Pin the version the lock file holds:
```hcl
      version = "6.49.0"
```

## Options
- `allow-ranges` (default `false`): accept any valid constraint in root
  modules too.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.views._tfversion import is_exact, parse_constraint
from toolkit.rules._tf import literal, modules

CODE = "TF003"
NAME = "unpinned-provider"
FAMILY = "terraform"
SUMMARY = "A required provider has no version, or a range in a root module"
VIEWS = ("terraform",)
OPTIONS: dict[str, Any] = {"allow-ranges": False}


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    exact_needed = not options.get("allow-ranges", False)
    for module in modules(project):
        for view in module.files:
            for provider in view.required_providers:
                version = provider.version
                text = literal(version)
                if version is None:
                    message = (
                        f'provider {provider.name} has no version constraint; add version = "x.y.z"'
                    )
                    yield Finding(view.path, provider.line, provider.column, CODE, message)
                    continue
                if text is None or parse_constraint(text) is None:
                    message = (
                        f"provider {provider.name} has a version that is not a constraint;"
                        ' write version = "x.y.z"'
                    )
                elif module.root and exact_needed and not is_exact(text):
                    message = (
                        f"provider {provider.name} version {text!r} is a range in a root module; "
                        "pin an exact version"
                    )
                else:
                    continue
                yield Finding(view.path, version.line, version.column, CODE, message)
