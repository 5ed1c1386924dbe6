"""## What it does
Checks that the `rev:` of every remote repository in `.pre-commit-config.yaml`
is a version tag or a full commit SHA, not a branch such as `main` or `master`
(or an abbreviated SHA).

## Why is this bad
pre-commit clones the `rev` once and caches it, so a branch gives each
developer and each CI cache whatever the branch held on the day it was first
installed: the hooks differ between machines, and nobody can say which ones ran.

## Example
```yaml
repos:
  - repo: https://github.com/astral-sh/ruff-pre-commit
    rev: main
```

## Fix
Use a tag, or a commit SHA with `# frozen:` (`pre-commit autoupdate --freeze`):
```yaml
    rev: v0.8.1
```
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.refs import is_sha, is_short_sha, is_version

CODE = "PC001"
NAME = "branch-rev"
FAMILY = "pre-commit"
SUMMARY = "A pre-commit rev names a branch instead of a tag or commit SHA"
FIXABLE = True
VIEWS = ("precommit",)


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    del options
    for config in project.views("precommit"):
        for repo in config.repos:
            rev = repo.rev
            if not repo.remote or rev is None or is_sha(rev) or not rev.strip():
                continue
            if is_short_sha(rev):
                message = f"rev {rev} of {repo.repo} is an abbreviated SHA; use all 40 characters"
            elif not is_version(rev):
                message = f"rev {rev} of {repo.repo} is a branch; use a tag or a commit SHA"
            else:
                continue
            yield Finding(config.path, rev.line, rev.col, CODE, message, rev.end_line, rev.end_col)
