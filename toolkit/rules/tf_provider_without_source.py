"""## What it does
Checks that every entry of `required_providers` names its `source` address
(`hashicorp/aws`, `integrations/github`), in root and child modules alike.
The old shorthand `aws = "~> 5.0"` has no source.

## Why is this bad
Without a source, Terraform guesses `hashicorp/<name>`: for any provider
outside the `hashicorp` namespace that is a different provider, or none, and
the lock file records whatever the guess found. Two modules that name the same
local name with different guesses end up disagreeing silently.

## Example
```hcl
terraform {
  required_providers {
    github = "6.6.0"
  }
}
```

## Fix
```hcl
terraform {
  required_providers {
    github = {
      source  = "integrations/github"
      version = "6.6.0"
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
from toolkit.rules._tf import literal

CODE = "TF002"
NAME = "provider-without-source"
FAMILY = "terraform"
SUMMARY = "A required provider does not name its source address"
VIEWS = ("terraform",)


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    del options
    for view in project.views("terraform"):
        for provider in getattr(view, "required_providers", ()):
            source = provider.source
            if source is None:
                message = (
                    f'provider {provider.name} has no source address; add source = "namespace/name"'
                )
                yield Finding(view.path, provider.line, provider.column, CODE, message)
            elif not (literal(source) or "").strip():
                message = f"provider {provider.name} has a source that is not a literal address"
                yield Finding(view.path, source.line, source.column, CODE, message)
