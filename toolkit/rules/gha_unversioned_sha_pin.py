"""## What it does
Checks that every `uses:` pinned to a commit SHA carries the version that SHA
stands for in a comment on the same line: `# v4.2.2`.

## Why is this bad
A bare SHA says nothing to a reviewer: is it the current release, a
pre-release, or a commit on somebody's fork? Dependabot and Renovate also read
the comment to propose updates that change the SHA and the version together.

When the same action and SHA carry a version comment elsewhere in the
repository, `--fix` copies that comment.

## Example
```yaml
- uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
```

## Fix
```yaml
- uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683  # v4.2.2
```
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding, Fix
from toolkit.check.project import Project
from toolkit.check.refs import is_sha, is_version, parse_uses
from toolkit.rules._gha import GHA_VIEWS, Located, finding_at, uses_values

CODE = "GHA002"
NAME = "unversioned-sha-pin"
FAMILY = "github-actions"
SUMMARY = "A uses: pinned to a commit SHA has no # vX.Y.Z version comment"
SEVERITY = "warning"
FIXABLE = True
VIEWS = GHA_VIEWS


def version_of(comment: str | None) -> str | None:
    """The version a ``# v4.2.2`` comment names (its first word), if any."""
    if not comment:
        return None
    first = comment.split()[0]
    return first if is_version(first) else None


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    del options
    pinned = [found for found in uses_values(project) if _sha_ref(found)]
    known = {}
    for found in pinned:
        version = version_of(found.doc.comment_after(found.value))
        if version is not None:
            known[str(found.value).strip()] = version
    for found in pinned:
        comment = found.doc.comment_after(found.value)
        if version_of(comment) is not None:
            continue
        action = str(found.value).strip()
        message = (
            f"{action.partition('@')[0]} is pinned to a SHA without a # vX.Y.Z comment; "
            "add it (--fix)"
        )
        finding = finding_at(found, CODE, message)
        if comment is None and action in known:
            finding = _with_fix(finding, found, known[action])
        yield finding


def _sha_ref(found: Located) -> bool:
    ref = parse_uses(found.value)
    return ref is not None and is_sha(ref.ref)


def _with_fix(finding: Finding, found: Located, version: str) -> Finding:
    """Append the comment at the end of the value's line (after a flow mapping's closing
    braces too: ``- {uses: a@SHA, with: {fetch-depth: 0}}  # v4.2.2``)."""
    value = found.value
    line = found.doc.lines[value.end_line - 1]
    end = len(line.rstrip()) + 1
    fix = Fix(found.path, value.end_line, end, value.end_line, end, f"  # {version}", "")
    return Finding(**{**finding.__dict__, "fix": fix})
