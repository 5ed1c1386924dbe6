"""## What it does
Reports an inline suppression, `# mlrig: ignore[CODE] reason`, that names a
code no mlrig rule has (or names none at all).

## Why is this bad
A misspelt code suppresses nothing, so the finding it was meant to silence
still fires, or it silently stops matching after a rule is renamed.

## Example
```dockerfile
# mlrig: ignore[IMG01] base image is rebuilt nightly
FROM python:3.12-slim
```

## Fix
Use the exact code that `mlrig check` reports (`mlrig rules` lists them all):
```dockerfile
# mlrig: ignore[IMG001] base image is rebuilt nightly
FROM python:3.12-slim
```
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project

CODE = "MLR003"
NAME = "unknown-suppression-code"
FAMILY = "engine"
SUMMARY = "An inline suppression names an unknown rule code"
SEVERITY = "warning"
VIEWS: tuple[str, ...] = ()


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Suppressions are scanned by the engine, after every other rule has run."""
    del project, options
    yield from ()
