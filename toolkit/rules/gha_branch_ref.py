"""## What it does
Reports a `uses:` whose ref is neither a full commit SHA nor a version tag:
a branch such as `main` or `master`, or an abbreviated SHA.

## Why is this bad
A branch moves with every push, so the code that runs in your workflow changes
without any change to your repository: runs cannot be reproduced, and a
compromised or careless upstream commit runs with your secrets at once. An
abbreviated SHA can become ambiguous and is rejected by GitHub for actions.

## Example
```yaml
- uses: pypa/gh-action-pypi-publish@release/v1
```

## Fix
Pin the full commit SHA of a release, with its version as a comment:
```yaml
- uses: pypa/gh-action-pypi-publish@76f52bc884231f62b9a034ebfe128415bbaabdfc  # v1.12.4
```
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.refs import is_sha, is_short_sha, is_version, parse_uses
from toolkit.rules._gha import GHA_VIEWS, finding_at, uses_values

CODE = "GHA003"
NAME = "branch-ref"
FAMILY = "github-actions"
SUMMARY = "A uses: names a branch (or an abbreviated SHA) instead of a commit SHA"
FIXABLE = True
VIEWS = GHA_VIEWS


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    del options
    for found in uses_values(project):
        ref = parse_uses(found.value)
        if ref is None or not ref.ref or is_sha(ref.ref):
            continue
        if is_short_sha(ref.ref):
            message = f"{ref.action} is pinned to an abbreviated SHA; use all 40 characters"
        elif not is_version(ref.ref):
            message = f"{ref.action} follows branch {ref.ref}; pin a commit SHA"
        else:
            continue
        yield finding_at(found, CODE, message)
