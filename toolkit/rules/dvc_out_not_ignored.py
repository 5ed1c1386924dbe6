"""## What it does
Checks that every cached output, of a `dvc.yaml` stage or of a `.dvc` file, is
ignored by git through a `.gitignore` (dvc writes `/name` into the
`.gitignore` beside the output), and is not committed to git.

## Why is this bad
An output that git does not ignore ends up committed next to its dvc pin: the
repository grows with every model, and git and the dvc cache disagree about
which version is current.

## Example
```yaml
# dvc.yaml
stages:
  train:
    cmd: python train.py
    outs:
    - models/model.pkl   # no .gitignore names it
```

## Fix
Add the output to the `.gitignore` in its folder (`/model.pkl` in
`models/.gitignore`), or let `dvc repro`/`dvc add` write it, and remove the file
from git with `git rm --cached`. Outputs that belong in git take `cache: false`.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.views._gitignore import Matcher
from toolkit.check.views.dvc import DvcFile, Entry
from toolkit.check.views.dvc_project import ignore_rules, pipelines, repo_path

CODE = "DVC006"
NAME = "dvc-out-not-ignored"
FAMILY = "dvc"
SUMMARY = "A cached dvc output is not git-ignored, or is committed to git"
VIEWS: tuple[str, ...] = ("dvc",)


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Each cached out against the ``.gitignore`` rules and the tracked files."""
    del options
    rules = ignore_rules(project)
    tracked = set(project.files)
    tracked.update(project.folders())
    for pipeline in pipelines(project):
        if pipeline.yaml is None:
            continue
        for stage in pipeline.expanded.stages:
            for out in stage.outs:
                where = (pipeline.yaml.path, repo_path(stage.wdir, out.path))
                yield from _out(where, out, rules, tracked)
    for view in project.views("dvc"):
        if isinstance(view, DvcFile):
            folder = posixpath.dirname(view.path)
            for out in view.outs:
                yield from _out((view.path, repo_path(folder, out.path)), out, rules, tracked)


def _out(
    where: tuple[str, str], out: Entry, rules: Matcher, tracked: set[str]
) -> Iterator[Finding]:
    path, target = where
    if not out.cache or "://" in out.path:
        return
    if target in tracked:
        message = f"out '{target}' is committed to git; `git rm -r --cached {target}`"
        yield Finding(path, out.line, out.column, CODE, message)
    elif not rules.ignored(target):
        folder = posixpath.dirname(target)
        gitignore = f"{folder}/.gitignore" if folder else ".gitignore"
        message = (
            f"out '{target}' is not git-ignored; add '/{posixpath.basename(target)}' to {gitignore}"
        )
        yield Finding(path, out.line, out.column, CODE, message)
