"""## What it does
For every dependency and output that `dvc.lock` records and that git tracks
(code, small data files, metrics kept with `cache: false`), computes the md5
dvc would record and compares it with the lock. dvc 3 hashes the raw bytes
(entries with `hash: md5`); for older entries dvc 2's text normalisation
(CRLF to LF) is accepted too. A folder's `.dir` hash is recomputed as dvc 3 does
(honouring `.dvcignore`) when every file in it is one git sees or the output of
a `.dvc` file in it (data added with `dvc add`, pulled or not: its recorded md5
stands for it); a folder holding other git-ignored files (`__pycache__`) is
skipped, since dvc would hash those too. A new data version (a changed `.dvc`
file) in a pull request that the CT workflow retrains is a note there ("CT will
retrain this PR"), as DVC002 explains; on main it fails.
A lock whose md5 is the file's with the other line endings (made on a Windows
checkout that turned LF into CRLF, or the reverse) is reported as that.

## Why is this bad
A file that changed after the last `dvc repro` means the pinned model was not
produced by the code and data in this commit, although the lock says so.

## Example
```yaml
# dvc.lock
    deps:
    - path: src/train.py
      hash: md5
      md5: 0b1c...   # but src/train.py was edited since
```

## Fix
Run `dvc repro` (or `dvc commit` if the change cannot affect the outputs) and
commit `dvc.lock` with the change. When only the line endings differ, fix them
for every checkout in `.gitattributes` (`* text=auto eol=lf`) and `dvc commit`.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.views._dvc_dirs import dir_md5, dvcignore_rules
from toolkit.check.views._gitignore import Matcher
from toolkit.check.views.dvc import DvcFile, Entry
from toolkit.check.views.dvc_project import (
    file_md5,
    other_line_endings_md5,
    pipelines,
    repo_path,
)
from toolkit.rules._ct import awaiting_ct

CODE = "DVC003"
NAME = "dvc-dep-hash-mismatch"
FAMILY = "dvc"
SUMMARY = "A git-tracked dependency or output no longer has the md5 that dvc.lock records"
VIEWS: tuple[str, ...] = ("dvc",)


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Hash each git-tracked file (and fully tracked folder) that a locked stage names."""
    del options
    tracked = set(project.files)
    folders = project.folders()
    ignore: Matcher | None = None
    outs: dict[str, str] | None = None
    for pipeline in pipelines(project):
        lock = pipeline.lock
        if lock is None or lock.problem:
            continue
        for locked in lock.stages:
            stage = pipeline.stage(locked.name)
            wdir = stage.wdir if stage else pipeline.folder
            for entry in (*locked.deps, *locked.outs):
                path = repo_path(wdir, entry.path)
                if path in tracked and _comparable(entry):
                    yield from _compare(project, lock.path, path, entry)
                elif path in folders and _comparable_dir(entry):
                    ignore = dvcignore_rules(project) if ignore is None else ignore
                    outs = data_outs(project) if outs is None else outs
                    actual = dir_md5(project, path, tracked, ignore, outs)
                    if actual is not None and actual != entry.hash:
                        message = _message(path, actual, entry)
                        yield awaiting_ct(
                            project,
                            Finding(lock.path, entry.line, entry.column, CODE, message),
                            _inputs(path, tracked),
                        )


def data_outs(project: Project) -> dict[str, str]:
    """The output of each ``.dvc`` file (``dvc add``) and the md5 it records."""
    found: dict[str, str] = {}
    for view in project.views("dvc"):
        if isinstance(view, DvcFile):
            for out in view.outs:
                if out.hash is not None and out.hash_name in (None, "md5"):
                    found[repo_path(posixpath.dirname(view.path), out.path)] = out.hash
    return found


def _inputs(folder: str, tracked: set[str]) -> list[str]:
    """The git-tracked files in ``folder`` (its ``.dvc`` files among them): a change to
    one of them changed its hash; CT retrains when its workflow follows one of them.
    ``.dvc`` files first: a new data version is the usual change, and names it best."""
    inside = (path for path in tracked if path.startswith(folder + "/"))
    return sorted(inside, key=lambda path: (not path.endswith(".dvc"), path))


def _comparable_dir(entry: Entry) -> bool:
    return entry.hash is not None and entry.hash_name == "md5" and entry.hash.endswith(".dir")


def _message(path: str, actual: str, entry: Entry) -> str:
    return (
        f"md5 of {path} is {actual}, but this lock records {entry.hash}; "
        "run `dvc repro` and commit dvc.lock"
    )


def _comparable(entry: Entry) -> bool:
    return (
        entry.hash is not None
        and entry.hash_name in (None, "md5")
        and not entry.hash.endswith(".dir")
        and len(entry.hash) == 32
    )


def _compare(project: Project, lock_path: str, path: str, entry: Entry) -> Iterator[Finding]:
    actual = file_md5(project, path, legacy=entry.hash_name is None)
    if actual and entry.hash not in actual:
        endings = other_line_endings_md5(project, path).get(entry.hash or "")
        if endings is not None:
            message = _endings_message(path, endings)
            yield Finding(lock_path, entry.line, entry.column, CODE, message)
            return
        message = _message(path, sorted(actual)[0], entry)
        finding = Finding(lock_path, entry.line, entry.column, CODE, message)
        yield awaiting_ct(project, finding, [path])


def _endings_message(path: str, endings: str) -> str:
    here = "LF" if endings == "CRLF" else "CRLF"
    return (
        f"this lock records the md5 of {path} with {endings} line endings, and it has "
        f"{here} endings here: a checkout converted them (git core.autocrlf); fix the "
        "endings in .gitattributes (`* text=auto eol=lf`), then `dvc commit` the lock"
    )
