"""## What it does
Reports an inline suppression, `# mlrig: ignore[CODE]`, that gives no reason
after the closing bracket.

## Why is this bad
A suppression switches a check off for one line. Without a reason, a reviewer
cannot tell a deliberate, understood exception from a silenced warning, and
nobody knows when it may be removed.

## Example
```yaml
- uses: my-org/deploy@v2  # mlrig: ignore[GHA001]
```

## Fix
Say why, on the same comment:
```yaml
- uses: my-org/deploy@v2  # mlrig: ignore[GHA001] internal action, tags are protected
```
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project

CODE = "MLR002"
NAME = "unexplained-suppression"
FAMILY = "engine"
SUMMARY = "An inline suppression gives no reason"
SEVERITY = "warning"
VIEWS: tuple[str, ...] = ()


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Suppressions are scanned by the engine, after every other rule has run."""
    del project, options
    yield from ()
