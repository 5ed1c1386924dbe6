"""## What it does
Reads the `run:` scripts of workflow steps and composite actions for
`pip install`, `python -m pip install` and `uv pip install`, and reports
packages without an exact `==` pin, and requirement files (`-r`) installed
without `--require-hashes`.

## Why is this bad
An unpinned install takes whatever the index serves at run time: CI then tests
a different environment from the one you locked, a new release can break the
build overnight, and a hijacked package is installed without anyone noticing.
Only exact pins with hashes make the install reproducible and tamper-evident.

Local paths (`.`, `-e .`), archives, URLs at a commit SHA and values from
variables are accepted.

## Example
```yaml
- run: |
    pip install --upgrade pip
    pip install dvc[s3] -r requirements.txt
```

## Fix
Pin exact versions, or install a hashed lock file:
```yaml
- run: |
    pip install pip==24.3.1
    pip install --require-hashes -r requirements.lock
```
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from toolkit.check._record import lazy_pattern
from toolkit.check.findings import Finding
from toolkit.check.project import Project
from toolkit.check.yamlsource import YamlDoc, YStr
from toolkit.rules._gha import GHA_VIEWS, steps
from toolkit.rules._pip import PipInstall, pip_installs

CODE = "GHA005"
NAME = "unpinned-pip-install"
FAMILY = "github-actions"
SUMMARY = "A run: step installs Python packages without exact pins or hashes"
VIEWS = GHA_VIEWS

_INSTALL = re.compile(r"\bpip[0-9.]*\s+install\b")
_PIP = lazy_pattern(r"\bpip")


def check(project: Project, options: Mapping[str, Any]) -> Iterator[Finding]:
    del options
    for path, doc, step in steps(project):
        if step.run is None or "install" not in step.run:
            continue
        for install in pip_installs(step.run):
            line, col = _locate(doc, step.run, install.line)
            for message in _messages(install):
                yield Finding(path, line, col, CODE, message)


def _messages(install: PipInstall) -> Iterator[str]:
    if install.unpinned:
        yield (
            f"pip install of {', '.join(install.unpinned)} without an exact == pin; "
            "pin with == or install a lock"
        )
    if install.requirement_files and not install.require_hashes:
        files = ", ".join(install.requirement_files)
        yield f"pip install -r {files} without --require-hashes; add it, with hashed pins"


def _locate(doc: YamlDoc, run: YStr, index: int) -> tuple[int, int]:
    """The source position of the script's line ``index`` (block scalars start a line later)."""
    source = doc.lines[run.line - 1][run.col - 1 :] if run.line <= len(doc.lines) else ""
    line = run.line + 1 + index if source[:1] in ("|", ">") else run.line
    if line > len(doc.lines):
        return run.line, run.col
    text = doc.lines[line - 1]
    found = _INSTALL.search(text) or _PIP.search(text)
    if found is None:
        return line, len(text) - len(text.lstrip()) + 1
    return line, found.start() + 1
