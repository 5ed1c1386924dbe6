"""## What it does
Checks that every `uses:` of a remote action or reusable workflow (in workflow
steps, in jobs that call a reusable workflow, and in composite actions) names a
full 40-character commit SHA rather than a tag.

## Why is this bad
A tag such as `v4` is a movable pointer: whoever controls the action's
repository can point it at new code, which then runs in your CI with your
secrets and writes your artifacts. Only a commit SHA names exactly one
version, so only a SHA pin makes a workflow run reproducible (and
the tj-actions/changed-files compromise of 2025 harmless).

Owners you trust to keep tags immutable (your own organisation, say) can be
allowed tag pins with the `tag-owners` option. Branch references are reported
by GHA003 instead.

## Example
```yaml
steps:
  - uses: actions/checkout@v4
```

## Fix
Pin the commit the tag points at, and keep the tag as a comment (GHA002) so
that Dependabot or Renovate can update both together:
```yaml
steps:
  - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683  # v4.2.2
```

## Options
- `tag-owners` (list of strings, default `[]`): owners (`my-org`) or actions
  (`my-org/deploy`) whose version tags are accepted.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.refs import is_sha, is_short_sha, is_version, parse_uses
from toolkit.rules._gha import GHA_VIEWS, finding_at, uses_values

CODE = "GHA001"
NAME = "unpinned-uses"
FAMILY = "github-actions"
SUMMARY = "A remote action or reusable workflow is not pinned to a commit SHA"
FIXABLE = True
VIEWS = GHA_VIEWS
OPTIONS: dict[str, Any] = {"tag-owners": []}


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    trusted = set(options["tag-owners"])
    for found in uses_values(project):
        ref = parse_uses(found.value)
        if ref is None or is_sha(ref.ref):
            continue
        if not ref.ref:
            message = f"{ref.action} has no ref; pin it to a commit SHA"
        elif is_short_sha(ref.ref):
            continue  # GHA003 reports it: 807410ed74 is no tag, though it reads as a version
        elif is_version(ref.ref) and not trusted & {ref.owner, f"{ref.owner}/{ref.repo}"}:
            message = (
                f"{ref.action} is pinned to tag {ref.ref}, not to a commit SHA; pin the SHA (--fix)"
            )
        else:
            continue
        yield finding_at(found, CODE, message)
