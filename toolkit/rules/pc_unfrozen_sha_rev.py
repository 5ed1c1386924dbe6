"""## What it does
Checks that a pre-commit `rev:` pinned to a commit SHA carries a
`# frozen: <tag>` comment, as `pre-commit autoupdate --freeze` writes it.

## Why is this bad
A bare SHA hides which release it is, and `pre-commit autoupdate` and
Renovate read the `# frozen:` comment to keep the SHA and the version in step.
A plain `# v1.2.3` comment is not read by them.

`--fix` turns a plain version comment (`# v1.2.3`) into `# frozen: v1.2.3`.

## Example
```yaml
  - repo: https://github.com/pre-commit/pre-commit-hooks
    rev: cef0300fd0fc4d2a87a85fa2093c6b283ea36f4b
```

## Fix
```yaml
    rev: cef0300fd0fc4d2a87a85fa2093c6b283ea36f4b  # frozen: v5.0.0
```
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding, Fix
from toolkit.check.project import Project
from toolkit.check.refs import is_sha, is_version
from toolkit.check.views.precommit import PreCommitConfig, Repo

CODE = "PC002"
NAME = "unfrozen-sha-rev"
FAMILY = "pre-commit"
SUMMARY = "A pre-commit rev pinned to a SHA has no # frozen: comment"
SEVERITY = "warning"
FIXABLE = True
VIEWS = ("precommit",)


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    del options
    for config in project.views("precommit"):
        for repo in config.repos:
            rev = repo.rev
            if rev is None or not is_sha(rev):
                continue
            comment = repo.rev_comment or ""
            if comment.startswith("frozen:") and comment.removeprefix("frozen:").strip():
                continue
            message = (
                f"rev of {repo.repo} is a SHA without a # frozen: <tag> comment; add it (--fix)"
            )
            yield Finding(
                config.path, rev.line, rev.col, CODE, message, fix=_fix(config, repo, comment)
            )


def _fix(config: PreCommitConfig, repo: Repo, comment: str) -> Fix | None:
    words = comment.split()
    if len(words) != 1 or not is_version(words[0]) or repo.rev is None:
        return None
    line_number = repo.rev.end_line
    line = config.doc.lines[line_number - 1]
    start = line.index("#", repo.rev.end_col - 1)
    end = len(line.rstrip()) + 1
    replaced = line[start : end - 1]
    frozen = f"# frozen: {words[0]}"
    return Fix(config.path, line_number, start + 1, line_number, end, frozen, replaced)
