"""## What it does
Reports a file that mlrig needs to read but cannot: invalid YAML or TOML, tab
indentation in YAML, bytes that are not UTF-8, NUL bytes (a binary file, or
UTF-16 without a byte-order mark: one finding, "not text"), control characters,
a YAML alias bomb, or a file larger than 10 MB.

It also reports what mlrig does not read at all, by design ("not read: ..."): a
symbolic link whose target leaves the repository, a FIFO, a device or a socket
(none is ever opened), and a file or folder that you may not read.

## Why is this bad
A file that cannot be parsed cannot be checked, so every pin in it goes
unverified; the tools that consume it (GitHub Actions, DVC, pre-commit) will
usually reject it too. A link out of the repository in a pull request could
point at `/etc/shadow` or `/proc/self/environ` and have its lines printed in
the report; a FIFO would hang the check; an unreadable workflow would pass
unchecked. Each is a finding, so the run fails instead.

## Example
```yaml
jobs:
        test:          # a tab indents this line
    runs-on: ubuntu-24.04
```

## Fix
Correct the syntax at the reported line and column (for YAML, indent with
spaces), or exclude the file with `exclude` in `[tool.mlrig]` if it is not
meant to be valid.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project

CODE = "MLR001"
NAME = "parse-error"
FAMILY = "engine"
SUMMARY = "A file that mlrig reads cannot be read or parsed"
VIEWS: tuple[str, ...] = ()


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Parse errors are collected by the project while other rules read views."""
    del project, options
    yield from ()
