"""## What it does
Reports an inline suppression, `# mlrig: ignore[CODE] reason`, that names a
rule which ran but found nothing on the line the suppression covers.

## Why is this bad
A stale suppression hides nothing today, but it will silently hide the next
real problem on that line, for instance when the pin it excused is later
replaced by a different unpinned one. Suppressions should be as few as the
exceptions they document.

## Example
```yaml
# mlrig: ignore[GHA001] vendored action, tags are protected
- uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683  # v4.2.2
```

## Fix
Remove the suppression (or the one code of it that no longer applies).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project

CODE = "MLR004"
NAME = "unused-suppression"
FAMILY = "engine"
SUMMARY = "An inline suppression names a rule that finds nothing there"
SEVERITY = "note"
VIEWS: tuple[str, ...] = ()


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Suppressions are matched by the engine, after every other rule has run."""
    del project, options
    yield from ()
