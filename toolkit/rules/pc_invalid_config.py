r"""## What it does
Validates `.pre-commit-config.yaml` against pre-commit's schema without running
pre-commit: a top-level mapping with `repos:`, every remote repo with `repo`,
`rev` (a string) and `hooks`, every hook with an `id` (local hooks also
`name`, `entry`, `language`), values of the right type, `files`/`exclude`
that compile as regular expressions, known stages, and no unexpected keys.

## Why is this bad
pre-commit refuses an invalid configuration when it runs, so every commit of
every developer fails (or, with unexpected keys, a misspelt option such as
`pass_filename` is silently ignored). A `rev: 1.10` written without quotes is a
number, not the tag `1.10`.

## Example
```yaml
repos:
  - repo: https://github.com/psf/black-pre-commit-mirror
    rev: 24.10.0
    hooks:
      - id: black
        files: '*.py'
```

## Fix
Correct the reported key or value; here, `files` takes a regular expression:
```yaml
        files: '\.py$'
```
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.rules._precommit_schema import problems

CODE = "PC003"
NAME = "invalid-precommit-config"
FAMILY = "pre-commit"
SUMMARY = "The .pre-commit-config.yaml does not match pre-commit's schema"
VIEWS = ("precommit",)


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    del options
    for config in project.views("precommit"):
        for (line, col), message in problems(config.root):
            yield Finding(config.path, line, col, CODE, message)
